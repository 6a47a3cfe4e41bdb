"""The default checklists: the village 小微权力清单 categories, per kind of visit."""

from django.db import migrations

DEFAULTS = {
    "document_review": [
        "重大事项决策是否执行“四议两公开”",
        "党员发展与组织管理资料是否齐全",
        "便民服务（证明出具、代办）是否登记在册",
    ],
    "account_check": [
        "集体“三资”收支是否经审批、有原始凭证",
        "村级工程项目是否公开比选、按合同付款",
        "惠民惠农补贴发放是否与一卡通记录一致",
        "村干部误工补贴、聘用人员报酬是否按标准",
    ],
    "meeting_attendance": [
        "议题是否按程序提出",
        "表决是否达到法定人数并如实记录",
        "决议是否按要求公开",
    ],
    "household_visit": [
        "低保、特困、临时救助是否应保尽保、应退尽退",
        "补贴是否足额发放到户",
        "群众对村务公开是否满意",
    ],
}


def seed(apps, schema_editor):
    ChecklistItem = apps.get_model("inspections", "ChecklistItem")
    for kind, texts in DEFAULTS.items():
        for order, text in enumerate(texts, start=1):
            ChecklistItem.objects.get_or_create(kind=kind, text=text, defaults={"order": order})


class Migration(migrations.Migration):
    dependencies = [("inspections", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
