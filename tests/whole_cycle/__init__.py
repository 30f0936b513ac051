"""One township's villages and community carried through the whole renewal in a browser."""
