"""Demo data of the discipline office: a report received by phone about the first township."""

from discipline.intake.services import report_record
from discipline.models import Report
from renewal.kit.demo import DemoCounty
from renewal.models import Unit


def seed_reports(demo: DemoCounty) -> None:
    township = demo.township
    if Report.objects.filter(county=township.parent).exists():
        return
    units = list(Unit.objects.filter(township=township).order_by("code")[:1])
    report_record(
        channel=Report.Channel.PHONE,
        county=township.parent,
        township=township,
        units=units,
        subject="有人请客吃饭拉票",
        content="听说有人在村里请客吃饭，为自己拉票。",
        anonymous=True,
        identity=None,
        attachments=[],
        received_by=demo.users["jiwei"],
    )
