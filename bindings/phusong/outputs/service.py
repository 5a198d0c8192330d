"""The service model's outputs (radio.service, radio.switch_off): the villages layer's service
fields, switch_off.csv, and the report's paragraph (phusong.coverage.service)."""

from __future__ import annotations

import math
from pathlib import Path

from ..coverage.service import SERVICE_CLASSES, SERVICE_VI
from .layers import YES_NO
from .layers import FieldSpec as F

CLASS_VALUES = tuple(SERVICE_VI[c] for c in SERVICE_CLASSES)
VILLAGE_FIELDS = [
    F("dv_truoc", "dich_vu_hien_nay", "string", "loại dịch vụ hiện nay", "service class today", "", CLASS_VALUES),
    F("dv_sau", "dich_vu_sau_quy_hoach", "string", "loại dịch vụ sau quy hoạch", "service class after the plan", "",
      CLASS_VALUES),
    F("ty_le_ho", "ty_le_ho_co_4g", "real", "tỷ lệ hộ có dịch vụ 4G/5G sau quy hoạch (các điểm quanh bản)",
      "share of households with 4G/5G service after the plan (points around the bản)", "%"),
    F("sinr_db", "sinr_db", "real", "SINR đường xuống tại điểm trung vị được phục vụ, sau quy hoạch",
      "downlink SINR at the median served point, after the plan", "dB"),
    F("tp_mbps", "toc_do_gio_cao_diem_mbps", "real", "tốc độ mỗi người dùng giờ cao điểm, sau quy hoạch",
      "busy-hour rate per user, after the plan", "Mbps"),
    F("mat_dv", "mat_dich_vu_khi_tat_song", "string", "mất mọi dịch vụ khi tắt sóng 2G/3G (radio.switch_off)",
      "loses all service at the 2G/3G switch-off", "", YES_NO),
]


def village_fields(result) -> list:
    return VILLAGE_FIELDS if getattr(result, "service_before", None) is not None else []


def village_columns(result) -> dict:
    b, a = result.service_before, result.service_after
    if b is None:
        return {}
    lost = set(result.switch_off_lost)
    n = len(result.villages)

    def r(x, d):
        return [round(float(v), d) if math.isfinite(v) else math.nan for v in x]

    return {"dv_truoc": [SERVICE_VI[c] for c in b.klass], "dv_sau": [SERVICE_VI[c] for c in a.klass],
            "ty_le_ho": r(100.0 * a.share_served, 1), "sinr_db": r(a.sinr_db, 2), "tp_mbps": r(a.user_mbps, 2),
            "mat_dv": [YES_NO[0] if i in lost else YES_NO[1] for i in range(n)]}


def switch_off_rows(result) -> list[dict]:
    """switch_off.csv: the bản the switch-off leaves without any service, and what the plan gives them."""
    a = result.service_after
    out = []
    for i in result.switch_off_lost:
        v = result.villages[i]
        out.append({"ma_ban": v.id, "ten_ban": v.name, "xa": v.commune, "huyen": v.district, "dan_so": v.population,
                    "so_ho": v.households, "dich_vu_hien_nay": "; ".join(sorted(result.service_before.legacy[i])),
                    "dich_vu_sau_quy_hoach": SERVICE_VI[a.klass[i]]})
    return out


def write(staging: Path, result, write_csv, encoding: str) -> list[Path]:
    if getattr(result, "service_before", None) is None or not result.scenario.radio.switch_off:
        return []
    return [write_csv(staging / "switch_off.csv", switch_off_rows(result), encoding)]
