"""Issue 20: an inspection sheet row may carry one net-content lot in any unit of
rules.md §2; a failing lot and a SHORT_PREPACK finding in the same row count once."""

import io

from creditsvc import clock
from creditsvc.extensions import db
from creditsvc.models import CurrentScore, Inspection

TODAY = clock.today().isoformat()
HEADER = "统一社会信用代码,检查日期,检查类型,检查人员,违法行为代码,抽检商品,标注净含量,净含量单位,批量,实测值"


def upload(caller, content: str):
    return caller.post(
        "/api/v1/imports",
        data={"kind": "inspections", "file": (io.BytesIO(content.encode()), "sheet.csv")},
        content_type="multipart/form-data",
    )


def test_lots_in_kilograms_litres_and_pieces_from_a_sheet(world):
    rice, oil, cups = world.merchant(), world.merchant(), world.merchant()
    rows = [
        # Qn 1 kg, T 15 g: 0.96 kg = 960 g < 970 g, a T2 defect; with its finding: one fault.
        f"{rice.uscc},{TODAY},日常检查,张三,SHORT_PREPACK,大米,1,千克,3,1.002、0.96、1",
        f"{oil.uscc},{TODAY},日常检查,张三,,食用油,1,L,2,1 0.995",  # within T 15 mL
        f"{cups.uscc},{TODAY},日常检查,张三,,纸杯,50,个,2,50、50",
    ]
    response = upload(world.district(), "\n".join([HEADER, *rows]) + "\n")
    assert response.json["status"] == "done", response.json
    inspections = db.session.query(Inspection).order_by(Inspection.id).all()
    lots = [i.lots[0] for i in inspections]
    assert [(lot.unit, lot.verdict, lot.t2) for lot in lots] == [
        ("kg", "fail", 1),
        ("L", "pass", 0),
        ("pcs", "pass", 0),
    ]
    assert db.session.get(CurrentScore, rice.id).score == 85.0  # 15 once, not 15 + 15


def test_a_lot_error_points_at_its_column(world):
    merchant = world.merchant()
    row = f"{merchant.uscc},{TODAY},日常检查,张三,,纸杯,50,个,2,50、49.5"
    response = upload(world.district(), f"{HEADER}\n{row}\n")
    assert [(e["row"], e["column"]) for e in response.json["errors"]] == [(2, "实测值")]
    assert db.session.query(Inspection).count() == 0
