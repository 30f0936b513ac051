def run(cycle) -> None:
    pass
