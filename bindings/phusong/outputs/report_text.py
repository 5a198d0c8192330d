"""The report's words and numbers: one string table per language (Vietnamese, the default, and
English) and one number format per language, used everywhere in the report (text, tables, maps).

Vietnamese: thousands separated by "." and decimals by "," (1.248.415 người; 99,56 %);
English: thousands by "," and decimals by "." (1,248,415 people; 99.56 %). Counts are integers.
"""

from __future__ import annotations

import math

SEP = {"vi": (".", ","), "en": (",", ".")}  # (thousands, decimal)


def num(v, decimals: int = 0, lang: str = "vi", dash: str = "–") -> str:
    """A number in the language's format, to `decimals` places; NaN/None/inf as a dash."""
    if v is None or v == "":
        return dash
    try:
        x = float(v)
    except (TypeError, ValueError):
        return str(v)
    if not math.isfinite(x):
        return dash
    if decimals == 0:
        x = round(x)
        if x == 0:
            x = 0  # no "-0"
    s = f"{abs(x):,.{decimals}f}"
    th, dec = SEP[lang]
    s = s.replace(",", "\0").replace(".", dec).replace("\0", th)
    return ("-" if x < 0 and s.strip("0.,") else "") + s


def date_text(d, lang: str) -> str:
    if lang == "vi":
        return f"ngày {d.day} tháng {d.month} năm {d.year}"
    months = "January February March April May June July August September October November December".split()
    return f"{d.day} {months[d.month - 1]} {d.year}"


T = {
    "vi": {
        "title": "Báo cáo quy hoạch phủ sóng di động 4G/5G cho các bản chưa có sóng (bản trắng)",
        "province": "Tỉnh / khu vực",
        "province_unknown": "(không có ranh giới hành chính trong kịch bản)",
        "scenario": "Kịch bản",
        "date": "Ngày lập",
        "software": "Phần mềm",
        "software_note": "báo cáo do phusong lập tự động từ kịch bản và dữ liệu đầu vào nêu ở mục Nguồn dữ liệu",
        "s_summary": "Tóm tắt",
        "s_targets": "Các chỉ tiêu so với mục tiêu",
        "s_maps": "Bản đồ",
        "s_operators": "Vùng phủ sóng theo nhà mạng (hiện trạng)",
        "s_district": "Kết quả theo huyện",
        "s_commune": "Kết quả theo xã",
        "s_costs": "Chi phí",
        "s_sites": "Danh sách trạm đề xuất",
        "s_uncoverable": "Các bản không trạm ứng viên nào phủ được (phương án vệ tinh/VSAT)",
        "s_sources": "Nguồn dữ liệu",
        "s_params": "Tham số tính toán",
        "s_service": "Dịch vụ: quỹ đường truyền, SINR, tốc độ và tắt sóng 2G/3G",
        "svc_intro": "Quỹ đường truyền: dự phòng che khuất σ = {sigma} dB với xác suất {p} % ở biên ô ({m} dB), suy hao "
                     "cơ thể {body} dB; SINR đường xuống với nhiễu đồng kênh của các trạm cùng nhà mạng, cùng tần số "
                     "(tải {load} %); hiệu suất phổ theo {eff}; đường lên: máy đầu cuối {ue} dBm, SINR yêu cầu {ul} dB. "
                     "Mỗi bản được đánh giá tại {pts} điểm trong bán kính {r} m; bản có dịch vụ 4G/5G khi ít nhất "
                     "{share} % số điểm được phục vụ; băng rộng khi tốc độ mỗi người dùng giờ cao điểm ≥ {mbps} Mbps.",
        "svc_eff": {"shannon": "giới hạn Shannon suy giảm của 3GPP", "cqi": "bảng CQI của 3GPP"},
        "svc_class": "loại dịch vụ", "svc_ban_b": "số bản (hiện nay)", "svc_pop_b": "dân số (hiện nay)",
        "svc_hh_b": "số hộ (hiện nay)", "svc_ban_a": "số bản (sau)", "svc_pop_a": "dân số (sau)", "svc_hh_a": "số hộ (sau)",
        "svc_switch": "Tắt sóng {tech}: {n} bản ({pop} người) sẽ mất mọi dịch vụ; các bản này là bản bắt buộc của "
                      "phương án, sau quy hoạch {after} bản có 4G/5G.",
        "s_programme": "Thỏa thuận giữa các nhà mạng, lộ trình theo năm và Quỹ Dịch vụ viễn thông công ích",
        "t_year": "năm đạt",
        "obstacle": "vật cản cao hơn tầm nhìn {m} m, cách bản {km} km",
        "c_obstacle": "vật cản trên đường truyền",
        "c_satellite": "vệ tinh cho các hộ ({unit})",
        "agr_intro": "Mỗi bản trắng được phủ giao cho đúng một nhà mạng (không chồng lấn); tỷ lệ theo {rule}, sai lệch "
                     "tối đa {tol} điểm phần trăm. Tổng chi phí {cost} {unit}; gap {gap} %{proven}.",
        "agr_rule": {"market_share": "thị phần (dân số được giao)", "balanced_cost": "chi phí đầu tư cân đối"},
        "agr_share": "tỷ lệ thỏa thuận",
        "agr_people_share": "tỷ lệ dân số",
        "agr_cost_share": "tỷ lệ chi phí",
        "c_people": "dân số",
        "roll_intro": "Lộ trình theo năm: mỗi năm trong ngân sách năm đó, phủ được nhiều người-năm nhất, các bản ưu tiên "
                      "(bản bắt buộc, trung tâm xã, bản có trường học, trạm y tế, UBND) trước (phương pháp {method}, "
                      "gap {gap} %; chuyển ngân sách chưa dùng sang năm sau: {carry}).",
        "roll_year": "năm",
        "roll_budget": "ngân sách",
        "roll_spent": "đã chi",
        "roll_share": "tỷ lệ dân được phủ cuối năm (%)",
        "roll_short": "Ngân sách các năm chỉ đủ cho {share} % số người mà phương án phủ; các trạm còn lại cần thêm "
                      "{need} {unit}.",
        "fund_intro": "Khả thi thương mại: thuê bao = dân được phủ × {adopt} % sử dụng × {smart} % điện thoại thông minh; "
                      "ARPU {arpu} đồng/tháng, tăng {g} %/năm, trong {years} năm, quy về hiện tại. Phần thiếu hụt "
                      "max(0, chi phí − doanh thu) ở các xã thuộc chương trình là đề nghị Quỹ hỗ trợ: tổng {fund} {unit} "
                      "cho {n} trạm; nhà mạng chi trả {op} {unit}.",
        "fund_cost": "chi phí",
        "fund_revenue": "doanh thu",
        "fund_gap": "thiếu hụt",
        "fund_request": "đề nghị Quỹ",
        "fund_operator": "nhà mạng chi trả",
        # summary
        "sum_villages": "{ban} bản, {pop} người, {hh} hộ; {bb} trạm băng rộng (4G/5G) trong tổng số {towers} trạm.",
        "sum_white": "Bản trắng hiện nay: {white} bản ({wpop} người); tỷ lệ dân được phủ sóng {pct} % "
                     "(RSRP ≥ {thr} dBm tại trung tâm bản, mô hình {model}).",
        "sum_plan": "Phương án ({method}): {n} trạm ({kinds}); phủ mới {newly} bản trắng ({npop} người); "
                    "còn {still} bản trắng, trong đó {unc} bản không trạm ứng viên nào phủ được.",
        "sum_costs": "Chi phí đầu tư (CAPEX, gồm truyền dẫn và cấp điện): {capex} {cur}; chi phí vận hành "
                     "(OPEX) {opex_year} {cur}/năm, quy về hiện tại trong {years} năm với lãi suất chiết khấu "
                     "{rate} %: {opex} {cur}. Tổng chi phí vòng đời (CAPEX + OPEX quy về hiện tại, là đại lượng "
                     "bộ giải tối thiểu hóa): {total} {cur}.",
        "sum_flat": "Chi phí: {n} trạm × {each} {cur} (chi phí trọn gói mỗi trạm, planning.cost_per_site; "
                    "không tách CAPEX/OPEX) = {total} {cur}.",
        "sum_bound": "Cận dưới của chi phí: {bound} {unit}; sai số tối ưu (gap) {gap} %{proven}.",
        "sum_bound_budget": "Cận trên của lượng phủ được trong ngân sách: {bound} {unit}; gap {gap} %{proven}.",
        "sum_target": "Mục tiêu {target} % {of} được phủ sóng: sau kế hoạch đạt {after} % ({state}). Phủ mọi bản trắng "
                      "có thể phủ được tốn {full} {unit} ({sites} trạm), thêm {extra} {unit} so với kế hoạch mục tiêu.",
        "target_reached": "đạt mục tiêu",
        "target_unreachable": "không thể đạt: phủ mọi bản trắng có thể phủ được chỉ đạt {reach} %",
        "of_population": "dân số",
        "of_households": "số hộ",
        "proven": ", đã chứng minh tối ưu",
        "no_plan": "Không lập phương án (không có bản trắng, hoặc planning.enabled: false).",
        "n_kind": {"upgrade": "{n} nâng cấp 4G", "colocation": "{n} dùng chung hạ tầng", "new": "{n} trạm mới",
                   "file": "{n} trạm ứng viên từ tệp"},
        # targets
        "t_indicator": "Chỉ tiêu", "t_target": "Mục tiêu", "t_published": "Số liệu đã công bố",
        "t_before": "Hiện nay", "t_after": "Sau quy hoạch",
        "t_none": "Kịch bản không đặt mục tiêu (targets) nên cột mục tiêu để trống.",
        "t_source": "Số liệu đã công bố (không phải mục tiêu), nguồn: {src}.",
        "t_rows": {"4G/5G coverage of people (%)": "Tỷ lệ dân được phủ sóng 4G/5G (%)",
                   "white bản (bản trắng)": "Số bản trắng", "bản": "Số bản",
                   "fibre to households (%)": "Tỷ lệ hộ có cáp quang (%)",
                   "fibre to commune seats (%)": "Tỷ lệ xã (UBND xã) có cáp quang (%)",
                   "fibre to schools (%)": "Tỷ lệ trường học có cáp quang (%)",
                   "fibre to health stations (%)": "Tỷ lệ trạm y tế có cáp quang (%)"},
        "communes_2025": ("Theo các xã, phường từ ngày 1/7/2025 (chính quyền địa phương hai cấp); mỗi bản thuộc xã mới "
                          "theo bảng sắp xếp chính thức từ xã cũ của bản (theo vị trí khi xã cũ được chia)."),
        "s_fibre": "Cáp quang",
        "sum_fibre": ("Cáp quang: {fac} cơ sở (UBND xã, trường, trạm y tế) được kéo cáp mới; hộ có cáp quang từ {b} % "
                      "lên {a} % (mục tiêu {target} %); {km} km tuyến mới; chi phí {cost} {unit}."),
        "fibre_intro": ("Quy hoạch cáp quang nối mọi UBND xã, trường học và trạm y tế chưa có cáp tới trục cáp hiện có "
                        "theo cây Steiner chi phí thấp nhất trên bề mặt chi phí (độ dốc địa hình, lớp phủ, sông, "
                        "đường giao thông và lưới điện), rồi kéo tới các bản có chi phí trên mỗi hộ thấp nhất cho đến "
                        "khi đạt mục tiêu {target} % số hộ. Một cơ sở hoặc bản cách trục hiện có không quá {conn} m "
                        "được coi là đã có cáp. Chi phí tính bằng {unit}."),
        "fi_fac": "Tuyến cáp tới UBND xã, trường, trạm y tế",
        "fi_hh": "Tuyến cáp và thuê bao đầu cuối (bộ chia, cáp thuê bao) tới các bản",
        "fi_eq": "OLT, tủ OLT và đấu nối cơ sở",
        "fi_total": "Tổng chi phí cáp quang",
        "fibre_total": ("Tổng chi phí cáp quang {cost} {unit}; cận dưới đã chứng minh {bound} {unit} (cận dưới của cây "
                        "Steiner tới các cơ sở + chi phí thuê bao đầu cuối nhỏ nhất đạt mục tiêu hộ + đấu nối cơ sở), "
                        "khoảng cách tối ưu {gap}."),
        "fibre_solver": ("Cây Steiner tới các cơ sở (cáp + một OLT mỗi điểm rẽ khỏi trục): {method}; chi phí {cost} {unit}, "
                         "cận dưới {bound} {unit}, khoảng cách tối ưu {gap}{proven}."),
        "fibre_hh_line": ("Kéo tới hộ gia đình ({method}): {n} bản, {hh} hộ; chi phí (cáp, thuê bao đầu cuối, OLT mới) "
                          "{cost} {unit}, cận dưới {bound} {unit} khi đã có cây tới các cơ sở, khoảng cách {gap}{proven}."),
        "fibre_hh_greedy": "tham lam: bản có chi phí trên mỗi hộ thấp nhất trước",
        "fibre_hh_exact": "tối ưu: MILP cây Steiner có hạn mức số hộ (CBC), khởi đầu từ lời giải tham lam",
        "fibre_unreach_v": "Bản cáp quang không tới được ({n}): {ids}.",
        "fibre_net": ("Mạng: {km} km tuyến mới, {olt} OLT tại điểm rẽ trên trục, {cab} tủ OLT mới (cự ly quang tối đa "
                      "{reach} km), {spl} bộ chia 1:{ratio}."),
        "fibre_combined": ("Tổng chi phí 4G và cáp quang (tuyến cáp mới dùng làm truyền dẫn cho trạm 4G, tính một lần): "
                           "{total} {unit}."),
        "fibre_unreach": "Cơ sở cáp quang không tới được: {ids}.",
        "map_fibre": "Quy hoạch cáp quang: tuyến hiện có, tuyến mới, cơ sở và bản có cáp mới",
        "fibre_legend": {"existing": "tuyến cáp hiện có", "new_facilities": "tuyến mới tới cơ sở",
                         "new_households": "tuyến mới tới hộ gia đình", "villages": "bản có cáp mới",
                         "fac_on": "cơ sở có cáp quang", "fac_off": "cơ sở chưa có cáp quang"},
        "fc_hh_b": "Hộ có cáp hiện nay (%)", "fc_hh_a": "Hộ có cáp sau QH (%)", "fc_sch": "Trường (trước → sau)",
        "fc_hs": "Trạm y tế (trước → sau)", "fc_com": "UBND xã (trước → sau)",
        "not_modelled": "chưa tính",
        # maps
        "map_before": "Hiện trạng: các bản theo tình trạng phủ sóng",
        "map_after": "Sau quy hoạch: các bản và trạm đề xuất",
        "map_curve": "Chi phí lũy kế – số dân được phủ sóng mới",
        "map_note": "Bản đồ in ở độ phân giải {dpi} dpi; nền địa hình (bóng đổ) từ DEM của kịch bản; tọa độ WGS84.",
        "st": {"covered": "phủ sóng", "white": "bản trắng", "covered_by_plan": "phủ sóng mới (quy hoạch)",
               "uncoverable": "không phủ được", "satellite": "vệ tinh cho từng hộ (không có 4G/5G)"},
        "sym": {"upgrade": "nâng cấp 4G trạm hiện có", "colocation": "dùng chung hạ tầng (lắp trên trạm khác)",
                "new": "trạm mới", "file": "trạm ứng viên từ tệp"},
        "towers_legend": "trạm 4G/5G hiện có",
        "north": "B", "lon": "kinh độ (°Đ)", "lat": "vĩ độ (°B)",
        "curve_x": "chi phí lũy kế ({unit})", "curve_y": "số dân được phủ sóng mới (người)",
        # operators, districts, communes
        "c_operator": "Nhà mạng", "c_sites": "Số trạm 4G/5G", "c_cov_ban": "Số bản được phủ",
        "c_cov_pct": "Tỷ lệ dân được phủ (%)",
        "c_district": "Huyện", "c_commune": "Xã", "c_ban": "Số bản", "c_pop": "Dân số", "c_hh": "Số hộ",
        "c_white_b": "Bản trắng hiện nay", "c_pct_b": "Tỷ lệ phủ hiện nay (%)", "c_white_a": "Bản trắng sau QH",
        "c_pct_a": "Tỷ lệ phủ sau QH (%)", "c_plan_sites": "Số trạm đề xuất", "c_plan_cost": "Tổng chi phí ({unit})",
        "total_row": "Toàn tỉnh / khu vực",
        # costs
        "cost_intro": "CAPEX và OPEX được trình bày riêng. OPEX là chi phí vận hành hằng năm trong {years} năm, "
                      "quy về hiện tại với lãi suất chiết khấu {rate} %/năm (hệ số {annuity}). Đơn vị: {unit}.",
        "cost_flat": "Kịch bản dùng chi phí trọn gói mỗi trạm (planning.cost_per_site = {each} {cur}): "
                     "không tách CAPEX/OPEX, không tính truyền dẫn và cấp điện riêng. Đơn vị: {unit}.",
        "cost_item": "Khoản mục", "cost_value": "Giá trị ({unit})",
        "ci_capex_site": "CAPEX thiết bị và trạm", "ci_capex_bh": "CAPEX truyền dẫn (cáp quang / vi ba)",
        "ci_capex_pw": "CAPEX cấp điện (kéo lưới / điện mặt trời)", "ci_capex": "Tổng CAPEX (đầu tư ban đầu)",
        "ci_opex_year": "OPEX mỗi năm", "ci_opex_pv": "OPEX {years} năm, quy về hiện tại",
        "ci_total": "Tổng chi phí vòng đời = tổng CAPEX + OPEX quy về hiện tại",
        "ci_flat": "Chi phí trọn gói",
        "penalty_note": "CAPEX trạm mới gồm cả khoản ưu tiên dùng chung hạ tầng (sharing_penalty_per_village) "
                        "mà bộ giải cộng vào.",
        "per_operator": "Chi phí theo nhà mạng",
        "per_operator_note": "\"chưa phân công\": trạm mới chưa giao cho nhà mạng nào.",
        "c_n": "Số trạm", "c_capex": "CAPEX", "c_opex_year": "OPEX/năm", "c_opex_pv": "OPEX quy về hiện tại",
        "c_total": "Tổng vòng đời",
        # sites
        "sites_intro": "Tất cả {n} trạm đề xuất, theo thứ tự bộ giải chọn. Tọa độ WGS84 (độ thập phân, 5 chữ số) "
                       "và VN-2000 (múi chiếu 3°, kinh tuyến trục 104°00′, EPSG:9206; X hướng Bắc, Y hướng Đông, "
                       "mét). Chi phí đơn vị: {unit}.",
        "c_rank": "TT", "c_site": "Mã trạm", "c_kind": "Loại trạm", "c_op": "Nhà mạng",
        "c_lon": "Kinh độ", "c_lat": "Vĩ độ", "c_x": "X (Bắc, m)", "c_y": "Y (Đông, m)",
        "c_bh": "Truyền dẫn", "c_pw": "Cấp điện", "c_new_ban": "Bản phủ mới", "c_new_pop": "Dân phủ mới",
        # uncoverable
        "unc_intro": "{n} bản: không trạm ứng viên nào đạt ngưỡng {thr} dBm. \"Thiếu\" là số dB mà trạm ứng viên "
                     "tốt nhất còn thiếu so với ngưỡng.",
        "c_vid": "Mã bản", "c_vname": "Tên bản", "c_reason": "Lý do", "c_best": "RSRP tốt nhất (dBm)",
        "c_short": "Thiếu (dB)",
        # sources
        "src_intro": "Mọi tệp đầu vào của lần chạy, với mã kiểm tra SHA-256 của nội dung tệp.",
        "c_role": "Vai trò", "c_file": "Tệp", "c_size": "Dung lượng (byte)", "c_sha": "SHA-256", "c_origin": "Nguồn gốc",
        "generated": "dữ liệu do phusong tạo (GENERATED)",
        "real": "dữ liệu công khai, nguồn: {url}; giấy phép: {licence}",
        "user": "do người dùng cung cấp",
        "roles": {"scenario": "kịch bản", "dem": "địa hình (DEM)", "villages": "bản", "towers": "trạm hiện có",
                  "admin": "ranh giới hành chính", "clutter": "lớp phủ mặt đất", "fibre": "cáp quang trục",
                  "power_grid": "lưới điện", "clutter_classes": "bảng lớp phủ", "candidates": "trạm ứng viên",
                  "facilities": "UBND xã, trường, trạm y tế", "roads": "đường giao thông", "rivers": "sông suối"},
        # parameters
        "c_key": "Tham số", "c_value": "Giá trị", "c_meaning": "Ý nghĩa",
        "yes": "có", "no": "không", "none": "không đặt",
        "none_rows": "(không có)",
    },
    "en": {
        "title": "4G/5G mobile coverage plan for the villages without signal (white villages, bản trắng)",
        "province": "Province / area",
        "province_unknown": "(no administrative boundaries in the scenario)",
        "scenario": "Scenario",
        "date": "Date",
        "software": "Software",
        "software_note": "report written by phusong from the scenario and the inputs listed under Data sources",
        "s_summary": "Summary",
        "s_targets": "Indicators against targets",
        "s_maps": "Maps",
        "s_operators": "Coverage per operator (today)",
        "s_district": "Results per district",
        "s_commune": "Results per commune",
        "s_costs": "Costs",
        "s_sites": "Proposed sites",
        "s_uncoverable": "Villages no candidate site can cover (satellite/VSAT cases)",
        "s_sources": "Data sources",
        "s_params": "Parameters",
        "s_service": "Service: link budget, SINR, rates and the 2G/3G switch-off",
        "svc_intro": "Link budget: shadowing σ = {sigma} dB at {p} % cell-edge location probability ({m} dB), body loss "
                     "{body} dB; downlink SINR against the co-channel sites of the same operator and frequency (load "
                     "{load} %); spectral efficiency by {eff}; uplink: UE {ue} dBm, required SINR {ul} dB. Each bản is "
                     "evaluated at {pts} points within {r} m; it has 4G/5G service when at least {share} % of them are "
                     "served, broadband when the busy-hour rate per user reaches {mbps} Mbps.",
        "svc_eff": {"shannon": "3GPP's attenuated Shannon bound", "cqi": "a 3GPP CQI table"},
        "svc_class": "service class", "svc_ban_b": "bản (today)", "svc_pop_b": "people (today)",
        "svc_hh_b": "households (today)", "svc_ban_a": "bản (after)", "svc_pop_a": "people (after)",
        "svc_hh_a": "households (after)",
        "svc_switch": "Switching off {tech}: {n} bản ({pop} people) would lose all service; they are required bản of the "
                      "plan, and after it {after} of them have 4G/5G.",
        "s_programme": "The operators' agreement, the roll-out years and the public-utility telecom fund",
        "t_year": "year reached",
        "obstacle": "obstacle {m} m above the line of sight, {km} km from the bản",
        "c_obstacle": "obstacle on the path",
        "c_satellite": "satellite for its households ({unit})",
        "agr_intro": "Each covered white bản goes to exactly one operator (no overlap); shares by {rule}, within {tol} "
                     "percentage points. Total cost {cost} {unit}; gap {gap} %{proven}.",
        "agr_rule": {"market_share": "market share (people given)", "balanced_cost": "balanced investment"},
        "agr_share": "agreed share",
        "agr_people_share": "people share",
        "agr_cost_share": "cost share",
        "c_people": "people",
        "roll_intro": "Roll-out years: within each year's budget, the most people-years, priority bản (required, commune "
                      "seats, bản with a school, health station or People's Committee) first (method {method}, gap "
                      "{gap} %; unspent budget carried over: {carry}).",
        "roll_year": "year",
        "roll_budget": "budget",
        "roll_spent": "spent",
        "roll_share": "people covered at year end (%)",
        "roll_short": "The budgets reach {share} % of the people the plan covers; the remaining sites need {need} {unit} "
                      "more.",
        "fund_intro": "Commercial viability: subscribers = people covered × {adopt} % adoption × {smart} % smartphones; "
                      "ARPU {arpu} VND a month growing {g} % a year over {years} years, discounted. The viability gap "
                      "max(0, cost − revenue) in the programme's communes is the request to the fund: {fund} {unit} for "
                      "{n} sites in all; the operators pay {op} {unit}.",
        "fund_cost": "cost",
        "fund_revenue": "revenue",
        "fund_gap": "viability gap",
        "fund_request": "fund request",
        "fund_operator": "operators pay",
        "sum_villages": "{ban} villages, {pop} people, {hh} households; {bb} broadband (4G/5G) sites of {towers} towers.",
        "sum_white": "White villages today: {white} ({wpop} people); {pct} % of people covered "
                     "(RSRP ≥ {thr} dBm at the village centre, model {model}).",
        "sum_plan": "Plan ({method}): {n} sites ({kinds}); {newly} white villages newly covered ({npop} people); "
                    "{still} stay white, of which {unc} no candidate site can cover.",
        "sum_costs": "Investment (CAPEX, backhaul and power included): {capex} {cur}; operating cost (OPEX) "
                     "{opex_year} {cur} per year, discounted over {years} years at {rate} %: {opex} {cur}. "
                     "Whole-life cost (CAPEX + discounted OPEX, what the solver minimises): {total} {cur}.",
        "sum_flat": "Cost: {n} sites × {each} {cur} (one flat cost per site, planning.cost_per_site; CAPEX and "
                    "OPEX not separated) = {total} {cur}.",
        "sum_bound": "Lower bound on the cost: {bound} {unit}; optimality gap {gap} %{proven}.",
        "sum_bound_budget": "Upper bound on what the budget can cover: {bound} {unit}; gap {gap} %{proven}.",
        "sum_target": "Target: {target} % of {of} covered; after the plan {after} % ({state}). Covering every coverable "
                      "white bản costs {full} {unit} ({sites} sites), {extra} {unit} more than the target plan.",
        "target_reached": "reached",
        "target_unreachable": "out of reach: every coverable white bản gives only {reach} %",
        "of_population": "people",
        "of_households": "households",
        "proven": ", proven optimal",
        "no_plan": "No plan (no white village, or planning.enabled: false).",
        "n_kind": {"upgrade": "{n} 4G upgrades", "colocation": "{n} co-locations", "new": "{n} new towers",
                   "file": "{n} candidate sites from a file"},
        "t_indicator": "Indicator", "t_target": "Target", "t_published": "Published figure",
        "t_before": "Today", "t_after": "After the plan",
        "t_none": "The scenario sets no targets: the target column is empty.",
        "t_source": "Published figures (not targets), source: {src}.",
        "t_rows": {"4G/5G coverage of people (%)": "People covered by 4G/5G (%)",
                   "white bản (bản trắng)": "White villages", "bản": "Villages",
                   "fibre to households (%)": "Households with fibre (%)",
                   "fibre to commune seats (%)": "Commune seats with fibre (%)",
                   "fibre to schools (%)": "Schools with fibre (%)",
                   "fibre to health stations (%)": "Health stations with fibre (%)"},
        "communes_2025": ("By the communes and wards in force since 1 July 2025 (two-tier local government); each bản "
                          "goes to its pre-2025 commune's successor by the official mapping (by location when that "
                          "commune was split)."),
        "s_fibre": "Fibre",
        "sum_fibre": ("Fibre: {fac} facilities (commune seats, schools, health stations) newly connected; households "
                      "with fibre from {b} % to {a} % (target {target} %); {km} km of new routes; cost {cost} {unit}."),
        "fibre_intro": ("The fibre plan joins every commune seat, school and health station without fibre to the existing "
                        "backbone by the least-cost Steiner tree over a cost surface (terrain slope, land cover, rivers, "
                        "roads and the power grid), then reaches the bản with the least cost per household until "
                        "{target} % of households are passed. A facility or bản within {conn} m of the backbone counts "
                        "as having fibre today. Costs in {unit}."),
        "fi_fac": "Routes to commune seats, schools and health stations",
        "fi_hh": "Routes and last mile (splitters, drop cables) to the bản",
        "fi_eq": "OLTs, OLT cabinets and facility connections",
        "fi_total": "Total fibre cost",
        "fibre_total": ("Total fibre cost {cost} {unit}; proven lower bound {bound} {unit} (the facilities' Steiner "
                        "bound + the least last mile that reaches the household target + facility connections), gap "
                        "{gap}."),
        "fibre_solver": ("Steiner tree to the facilities (cable + an OLT where it leaves the backbone): {method}; cost "
                         "{cost} {unit}, lower bound {bound} {unit}, optimality gap {gap}{proven}."),
        "fibre_hh_line": ("To households ({method}): {n} bản, {hh} households; cost (cable, last mile, new OLTs) {cost} "
                          "{unit}, lower bound {bound} {unit} given the facilities' tree, gap {gap}{proven}."),
        "fibre_hh_greedy": "greedy: least cost per household first",
        "fibre_hh_exact": "exact: quota Steiner MILP (CBC), warm-started with the greedy",
        "fibre_unreach_v": "Bản fibre cannot reach ({n}): {ids}.",
        "fibre_net": ("Network: {km} km of new routes, {olt} OLTs where routes leave the backbone, {cab} new OLT cabinets "
                      "(optical reach at most {reach} km), {spl} splitters 1:{ratio}."),
        "fibre_combined": "4G and fibre together (new routes are the 4G sites' backhaul, counted once): {total} {unit}.",
        "fibre_unreach": "Facilities fibre cannot reach: {ids}.",
        "map_fibre": "Fibre plan: existing routes, new routes, facilities and bản newly passed",
        "fibre_legend": {"existing": "existing fibre", "new_facilities": "new route to facilities",
                         "new_households": "new route to households", "villages": "bản newly passed",
                         "fac_on": "facility with fibre", "fac_off": "facility without fibre"},
        "fc_hh_b": "Households with fibre today (%)", "fc_hh_a": "After the plan (%)", "fc_sch": "Schools (before → after)",
        "fc_hs": "Health stations (before → after)", "fc_com": "Commune seats (before → after)",
        "not_modelled": "not modelled",
        "map_before": "Today: villages by coverage",
        "map_after": "After the plan: villages and proposed sites",
        "map_curve": "Cumulative cost – people newly covered",
        "map_note": "Maps printed at {dpi} dpi; terrain hillshade from the scenario's DEM; WGS84 coordinates.",
        "st": {"covered": "covered", "white": "white village", "covered_by_plan": "newly covered (plan)",
               "uncoverable": "uncoverable", "satellite": "satellite terminals per household (no 4G/5G)"},
        "sym": {"upgrade": "4G upgrade of an existing site", "colocation": "co-location on another tower",
                "new": "new tower", "file": "candidate site from a file"},
        "towers_legend": "existing 4G/5G sites",
        "north": "N", "lon": "longitude (°E)", "lat": "latitude (°N)",
        "curve_x": "cumulative cost ({unit})", "curve_y": "people newly covered",
        "c_operator": "Operator", "c_sites": "4G/5G sites", "c_cov_ban": "Villages covered",
        "c_cov_pct": "People covered (%)",
        "c_district": "District", "c_commune": "Commune", "c_ban": "Villages", "c_pop": "Population",
        "c_hh": "Households", "c_white_b": "White today", "c_pct_b": "Covered today (%)",
        "c_white_a": "White after plan", "c_pct_a": "Covered after plan (%)", "c_plan_sites": "Proposed sites",
        "c_plan_cost": "Total cost ({unit})",
        "total_row": "Whole province / area",
        "cost_intro": "CAPEX and OPEX are shown separately. OPEX is the yearly operating cost over {years} years, "
                      "discounted at {rate} % a year (factor {annuity}). Unit: {unit}.",
        "cost_flat": "The scenario uses one flat cost per site (planning.cost_per_site = {each} {cur}): CAPEX and "
                     "OPEX are not separated, backhaul and power not costed. Unit: {unit}.",
        "cost_item": "Item", "cost_value": "Amount ({unit})",
        "ci_capex_site": "CAPEX equipment and sites", "ci_capex_bh": "CAPEX backhaul (fibre / microwave)",
        "ci_capex_pw": "CAPEX power (grid extension / solar)", "ci_capex": "Total CAPEX (investment)",
        "ci_opex_year": "OPEX per year", "ci_opex_pv": "OPEX over {years} years, discounted",
        "ci_total": "Whole-life cost = total CAPEX + discounted OPEX",
        "ci_flat": "Flat cost",
        "penalty_note": "New towers' CAPEX includes the sharing preference (sharing_penalty_per_village) the "
                        "solver adds.",
        "per_operator": "Cost per operator",
        "per_operator_note": "\"chưa phân công\": new towers not yet assigned to an operator.",
        "c_n": "Sites", "c_capex": "CAPEX", "c_opex_year": "OPEX/year", "c_opex_pv": "Discounted OPEX",
        "c_total": "Whole-life",
        "sites_intro": "All {n} proposed sites, in the order the solver chose them. Coordinates in WGS84 (decimal "
                       "degrees, 5 decimals) and VN-2000 (TM-3 zone, central meridian 104°00′, EPSG:9206; X "
                       "northing, Y easting, metres). Costs in {unit}.",
        "c_rank": "#", "c_site": "Site", "c_kind": "Kind", "c_op": "Operator",
        "c_lon": "Longitude", "c_lat": "Latitude", "c_x": "X (north, m)", "c_y": "Y (east, m)",
        "c_bh": "Backhaul", "c_pw": "Power", "c_new_ban": "New villages", "c_new_pop": "New people",
        "unc_intro": "{n} villages: no candidate site reaches the threshold of {thr} dBm. \"Short\" is how many dB "
                     "the best candidate lacks.",
        "c_vid": "Village id", "c_vname": "Name", "c_reason": "Reason", "c_best": "Best RSRP (dBm)",
        "c_short": "Short (dB)",
        "src_intro": "Every input file of the run, with the SHA-256 checksum of its content.",
        "c_role": "Role", "c_file": "File", "c_size": "Size (bytes)", "c_sha": "SHA-256", "c_origin": "Origin",
        "generated": "data generated by phusong (GENERATED)",
        "real": "real public data: {what} ({url}; licence: {licence})",
        "user": "given by the user",
        "roles": {"scenario": "scenario", "dem": "terrain (DEM)", "villages": "villages", "towers": "existing sites",
                  "admin": "administrative boundaries", "clutter": "land cover", "fibre": "fibre backbone",
                  "power_grid": "power grid", "clutter_classes": "clutter class table",
                  "candidates": "candidate sites", "facilities": "commune seats, schools, health stations",
                  "roads": "roads", "rivers": "rivers"},
        "c_key": "Parameter", "c_value": "Value", "c_meaning": "Meaning",
        "yes": "yes", "no": "no", "none": "not set",
        "none_rows": "(none)",
    },
}

# English names of reasons and vocabularies (the Vietnamese ones are layers.*_VI).
REASON_EN = {"no_candidate_in_range": "no candidate site within the radius",
             "terrain_or_distance": "blocked by terrain or too far",
             "satellite_households": "satellite terminals per household only (no 4G/5G)"}
KIND_EN = {"upgrade": "4G upgrade", "colocation": "co-location", "new_grid_hilltop": "new tower (hill-top)",
           "commune_centre": "new tower (commune centre)", "candidate": "candidate (from file)",
           "existing": "candidate (from file)", "small_cell": "small cell next to the bản",
           "repeater": "repeater"}
BACKHAUL_EN = {"fibre": "fibre", "new_fibre": "fibre (a new route of the fibre plan)", "microwave": "microwave",
               "fibre_no_los": "fibre (no microwave line of sight)", "not_modelled": "not modelled",
               "satellite": "satellite (VSAT/LEO)", "over_the_air": "fed over the air by its donor (no backhaul)",
               "": "flat cost"}
POWER_EN = {"existing": "existing", "grid": "grid extension", "solar": "solar", "not_modelled": "not modelled",
            "": "flat cost"}

# Meaning of each scenario parameter (key as dotted path): (Vietnamese, English).
PARAMS = {
    "radio.model": ("mô hình truyền sóng", "propagation model"),
    "radio.rx_height_m": ("độ cao anten thu (m)", "receiver height (m)"),
    "radio.k_factor": ("hệ số bán kính trái đất hiệu dụng", "effective earth radius factor"),
    "radio.radius_km": ("bán kính xét trạm quanh bản (km)", "sites farther from a village are not evaluated (km)"),
    "radio.threshold_dbm": ("ngưỡng RSRP coi là có sóng (dBm)", "RSRP that counts as covered (dBm)"),
    "radio.bandwidth_mhz": ("độ rộng kênh mặc định (MHz)", "default channel bandwidth (MHz)"),
    "radio.profile_spacing_m": ("bước lấy mẫu mặt cắt địa hình (m; 0 = ô DEM)", "profile sample spacing (m; 0 = DEM cell)"),
    "radio.technologies": ("công nghệ coi là băng rộng di động", "technologies that give mobile broadband"),
    "radio.freq_mhz": ("tần số áp cho mọi trạm hiện có (MHz)", "frequency forced on every existing site (MHz)"),
    "radio.height_m": ("độ cao anten áp cho mọi trạm hiện có (m)", "antenna height forced on every existing site (m)"),
    "radio.clutter_classes": ("bảng lớp phủ mặt đất", "land-cover class table"),
    "planning.enabled": ("có lập phương án", "plan computed"),
    "planning.candidates": ("loại trạm ứng viên", "kinds of candidate sites"),
    "planning.grid_spacing_km": ("khoảng cách lưới trạm mới (km)", "new-tower grid spacing (km)"),
    "planning.height_m": ("độ cao anten thiết bị mới (m)", "new equipment antenna height (m)"),
    "planning.freq_mhz": ("tần số thiết bị mới (MHz)", "new equipment frequency (MHz)"),
    "planning.eirp_dbm": ("EIRP thiết bị mới (dBm)", "new equipment EIRP (dBm)"),
    "planning.operator": ("nhà mạng đầu tư (any: mọi nhà mạng)", "operator that builds (any: every operator)"),
    "planning.cost_per_site": ("chi phí trọn gói mỗi trạm", "one flat cost per site"),
    "planning.budget": ("ngân sách tối đa", "budget ceiling"),
    "planning.objective": ("mục tiêu tối đa hóa / phủ", "what is counted (villages, people, households)"),
    "planning.required_villages": ("bản bắt buộc phủ", "villages that must be covered"),
    "planning.target_pct": ("mục tiêu tỷ lệ phủ sóng (%)", "coverage target (%)"),
    "planning.target_of": ("mục tiêu tính theo dân số / số hộ", "target counted in people / households"),
    "planning.options.enabled": ("lượt hai: phương án cho bản chưa phủ được", "second pass: options for bản out of reach"),
    "planning.options.mast_heights_m": ("độ cao cột thử thêm (m)", "taller masts tried (m)"),
    "planning.options.low_band_mhz": ("băng tần thấp thử thêm (MHz)", "lower band tried (MHz)"),
    "planning.options.low_band_operators": ("nhà mạng có băng tần thấp", "operators holding the lower band"),
    "planning.options.small_cell": ("trạm nhỏ cạnh bản", "small cell next to the bản"),
    "planning.options.small_cell_height_m": ("độ cao cột trạm nhỏ (m)", "small cell mast (m)"),
    "planning.options.small_cell_eirp_dbm": ("EIRP trạm nhỏ (dBm)", "small cell EIRP (dBm)"),
    "planning.options.small_cell_freq_mhz": ("tần số trạm nhỏ (MHz)", "small cell frequency (MHz)"),
    "planning.options.small_cell_search_m": ("tìm điểm cao cạnh bản trong bán kính (m)", "high ground searched within (m)"),
    "planning.options.repeater": ("trạm lặp", "repeaters"),
    "planning.options.repeater_height_m": ("độ cao trạm lặp (m)", "repeater height (m)"),
    "planning.options.repeater_eirp_dbm": ("EIRP trạm lặp (dBm)", "repeater EIRP (dBm)"),
    "planning.options.repeater_donor_dbm": ("RSRP tối thiểu từ trạm cho (dBm)", "least donor RSRP (dBm)"),
    "planning.options.repeater_search_m": ("tìm điểm đặt trạm lặp trong bán kính (m)", "repeater spot searched within (m)"),
    "planning.options.satellite_backhaul": ("truyền dẫn vệ tinh khi rẻ hơn", "satellite backhaul where cheaper"),
    "planning.options.satellite_households": ("vệ tinh cho từng hộ (phương án cuối cùng)",
                                             "satellite terminals per household (last resort)"),
    "planning.method": ("thuật toán", "solver"),
    "planning.time_limit_s": ("giới hạn thời gian giải chính xác (s)", "exact solve time limit (s)"),
    "planning.costs.currency": ("đơn vị tiền tệ", "currency"),
    "planning.costs.vnd_per_usd": ("tỷ giá VND/USD", "VND per USD"),
    "planning.costs.new_tower": ("CAPEX trạm mới", "CAPEX of a new tower"),
    "planning.costs.colocation": ("CAPEX dùng chung hạ tầng", "CAPEX of a co-location"),
    "planning.costs.upgrade": ("CAPEX nâng cấp 4G", "CAPEX of a 4G upgrade"),
    "planning.costs.opex_new_tower_per_year": ("OPEX trạm mới mỗi năm", "OPEX of a new tower per year"),
    "planning.costs.opex_colocation_per_year": ("OPEX dùng chung mỗi năm (gồm tiền thuê)",
                                                "OPEX of a co-location per year (rent included)"),
    "planning.costs.opex_upgrade_per_year": ("OPEX nâng cấp mỗi năm", "OPEX of an upgrade per year"),
    "planning.costs.horizon_years": ("thời hạn tính OPEX (năm)", "OPEX horizon (years)"),
    "planning.costs.discount_rate": ("lãi suất chiết khấu (%/năm)", "discount rate (% a year)"),
    "planning.costs.fibre_cost_per_km": ("chi phí cáp quang mỗi km", "fibre cost per km"),
    "planning.costs.fibre_max_km": ("cự ly cáp quang tối đa (km)", "longest fibre spur (km)"),
    "planning.costs.fibre_connected_km": ("trạm cách trục cáp dưới mức này là điểm nút vi ba (km)",
                                          "towers this close to the backbone are microwave hubs (km)"),
    "planning.costs.microwave_bands_km_cost": ("chi phí vi ba theo cự ly (km: chi phí)",
                                               "microwave hop cost per distance band (km: cost)"),
    "planning.costs.grid_cost_per_km": ("chi phí kéo lưới điện mỗi km", "grid extension cost per km"),
    "planning.costs.grid_max_km": ("cự ly kéo lưới điện tối đa (km)", "longest grid extension (km)"),
    "planning.costs.solar": ("chi phí điện mặt trời + ắc quy", "solar panels and batteries"),
    "planning.costs.sharing_penalty_per_village": ("khoản ưu tiên dùng chung, mỗi bản đã có sóng của nhà mạng khác",
                                                   "sharing preference per village already covered by another operator"),
    "planning.costs.sharing_penalty_radius_km": ("bán kính tính khoản ưu tiên dùng chung (km)",
                                                 "radius of the sharing preference (km)"),
    "planning.costs.small_cell": ("CAPEX trạm nhỏ", "CAPEX of a small cell"),
    "planning.costs.opex_small_cell_per_year": ("OPEX trạm nhỏ mỗi năm", "OPEX of a small cell per year"),
    "planning.costs.repeater": ("CAPEX trạm lặp", "CAPEX of a repeater"),
    "planning.costs.opex_repeater_per_year": ("OPEX trạm lặp mỗi năm", "OPEX of a repeater per year"),
    "planning.costs.mast_per_m": ("chi phí mỗi mét cột cao thêm", "cost per extra metre of mast"),
    "planning.costs.low_band_equipment": ("thiết bị băng tần thấp mỗi trạm", "lower-band equipment per site"),
    "planning.costs.satellite_backhaul": ("CAPEX truyền dẫn vệ tinh", "CAPEX of satellite backhaul"),
    "planning.costs.opex_satellite_backhaul_per_year": ("thuê dung lượng vệ tinh mỗi năm",
                                                        "satellite capacity lease per year"),
    "planning.costs.satellite_household": ("thiết bị vệ tinh mỗi hộ", "satellite terminal per household"),
    "planning.costs.opex_satellite_household_per_year": ("cước vệ tinh mỗi hộ mỗi năm",
                                                         "satellite subscription per household per year"),
    "radio.service.enabled": ("mô hình dịch vụ (quỹ đường truyền, SINR, tốc độ)", "service model (link budget, SINR, rates)"),
    "radio.service.shadowing_sigma_db": ("độ lệch chuẩn che khuất σ (dB)", "shadowing σ (dB)"),
    "radio.service.edge_probability": ("xác suất phủ tại biên ô", "cell-edge location probability"),
    "radio.service.body_loss_db": ("suy hao cơ thể (dB)", "body loss (dB)"),
    "radio.service.indoor": ("trong nhà (suy hao vào nhà ITU-R P.2109)", "indoors (ITU-R P.2109 entry loss)"),
    "radio.service.indoor_building": ("loại nhà", "building type"),
    "radio.service.indoor_probability_pct": ("xác suất suy hao vào nhà không vượt quá (%)", "entry loss not exceeded (%)"),
    "radio.service.ue_noise_figure_db": ("hệ số tạp âm máy đầu cuối (dB)", "UE noise figure (dB)"),
    "radio.service.bs_noise_figure_db": ("hệ số tạp âm trạm gốc (dB)", "base-station noise figure (dB)"),
    "radio.service.ue_power_dbm": ("công suất phát máy đầu cuối (dBm)", "UE transmit power (dBm)"),
    "radio.service.bs_antenna_gain_dbi": ("tăng ích anten thu trạm gốc (dBi)", "base-station receive antenna gain (dBi)"),
    "radio.service.ul_resource_blocks": ("khối tài nguyên đường lên của người dùng biên ô",
                                         "uplink resource blocks of a cell-edge user"),
    "radio.service.ul_required_sinr_db": ("SINR đường lên yêu cầu (dB)", "required uplink SINR (dB)"),
    "radio.service.rsrp_min_dbm": ("RSRP tối thiểu sau dự phòng (dBm)", "least RSRP after the margins (dBm)"),
    "radio.service.dl_required_sinr_db": ("SINR đường xuống yêu cầu (dB)", "required downlink SINR (dB)"),
    "radio.service.load": ("tải của các ô gây nhiễu", "load of the interfering cells"),
    "radio.service.efficiency": ("cách tính hiệu suất phổ (Shannon suy giảm / bảng CQI của 3GPP)",
                                 "spectral efficiency (3GPP attenuated Shannon / CQI table)"),
    "radio.service.cqi_table": ("bảng CQI của 3GPP", "3GPP CQI table"),
    "radio.service.cqi_gap_db": ("khoảng cách SNR khi chọn CQI (dB)", "SNR gap of the CQI choice (dB)"),
    "radio.service.mimo_layers": ("số luồng MIMO", "MIMO layers"),
    "radio.service.overhead": ("tỷ lệ tài nguyên cho điều khiển và tín hiệu tham chiếu", "control and reference-signal overhead"),
    "radio.service.adoption_pct": ("tỷ lệ người dùng dữ liệu di động (%)", "people using mobile data (%)"),
    "radio.service.busy_hour_activity_pct": ("tỷ lệ người dùng hoạt động cùng lúc giờ cao điểm (%)",
                                             "users active at once in the busy hour (%)"),
    "radio.service.target_mbps": ("tốc độ mục tiêu của băng rộng (Mbps)", "broadband target rate (Mbps)"),
    "radio.service.class_rate": ("tốc độ dùng để xếp loại (đỉnh / giờ cao điểm)",
                                 "rate the class is checked on (peak / busy hour)"),
    "radio.service.sample_radius_m": ("bán kính các điểm đánh giá quanh bản (m)", "radius of the points around a bản (m)"),
    "radio.service.sample_points": ("số điểm đánh giá mỗi bản", "points per bản"),
    "radio.service.covered_share_pct": ("tỷ lệ điểm được phục vụ để bản có 4G/5G (%)",
                                        "share of points served for 4G/5G service (%)"),
    "radio.service.thresholds_2g3g_dbm.2G": ("ngưỡng RxLev 2G (dBm)", "2G RxLev threshold (dBm)"),
    "radio.service.thresholds_2g3g_dbm.3G": ("ngưỡng RSCP 3G (dBm)", "3G RSCP threshold (dBm)"),
    "radio.switch_off": ("công nghệ tắt sóng", "technologies switched off"),
    "planning.operators": ("các nhà mạng trong thỏa thuận (tỷ lệ)", "operators of the agreement (shares)"),
    "planning.agreement_rule": ("quy tắc chia tỷ lệ", "share rule"),
    "planning.share_tolerance_pct": ("sai lệch cho phép (điểm phần trăm)", "tolerance (percentage points)"),
    "planning.carry_over": ("chuyển ngân sách chưa dùng sang năm sau", "unspent budget carried over"),
    "planning.economics.adoption_pct": ("tỷ lệ người được phủ sử dụng dịch vụ (%)", "people covered who subscribe (%)"),
    "planning.economics.smartphone_pct": ("tỷ lệ điện thoại thông minh (%)", "smartphone share (%)"),
    "planning.economics.arpu_vnd_per_month": ("doanh thu bình quân mỗi thuê bao (đồng/tháng)", "ARPU (VND a month)"),
    "planning.economics.arpu_growth_pct_per_year": ("tăng trưởng ARPU (%/năm)", "ARPU growth (% a year)"),
    "planning.economics.profit_margin_pct": ("tỷ suất lợi nhuận trên chi phí (%)", "profit margin on the cost (%)"),
    "planning.economics.fund_communes": ("các xã thuộc chương trình của Quỹ (mặc định: xã có bản trắng)",
                                         "communes in the fund's programme (default: communes with white bản)"),
    "planning.economics.fund_max_share_pct": ("tỷ lệ chi phí tối đa Quỹ hỗ trợ (%)", "most of a site's cost the fund pays (%)"),
    "fibre.enabled": ("có lập quy hoạch cáp quang", "fibre plan computed"),
    "fibre.graph_spacing_m": ("khoảng cách lưới định tuyến (m)", "routing lattice spacing (m)"),
    "fibre.connected_m": ("khoảng cách coi là đã có cáp (m)", "distance counted as connected (m)"),
    "fibre.reach_km": ("cự ly quang tối đa từ OLT (km)", "optical reach from an OLT (km)"),
    "fibre.splitter_ratio": ("tỷ lệ bộ chia", "splitter ratio"),
    "fibre.village_radius_m": ("bán kính phân bố hộ trong bản (m; households: theo số hộ)",
                               "spread of a bản's households (m; households: from its households)"),
    "fibre.household_area_m2": ("diện tích mỗi hộ khi tính bán kính theo số hộ (m²)",
                                "ground per household for the spread from households (m²)"),
    "fibre.household_target_pct": ("mục tiêu hộ có cáp quang (%)", "households with fibre target (%)"),
    "fibre.method": ("thuật toán cây Steiner", "Steiner method"),
    "fibre.household_method": ("thuật toán chọn bản kéo cáp tới hộ (greedy: tham lam; exact: tối ưu)",
                               "household stage solver (greedy or exact)"),
    "fibre.time_limit_s": ("giới hạn thời gian (s)", "time limit (s)"),
    "fibre.improvement_moves": ("số bước tìm kiếm cục bộ", "local-search moves"),
    "fibre.backhaul": ("tuyến mới làm truyền dẫn cho trạm 4G", "new routes as 4G backhaul"),
    "fibre.surface.base_cost_per_m": ("chi phí cáp cơ sở mỗi mét", "base cable cost per metre"),
    "fibre.surface.slope_factor": ("hệ số độ dốc", "slope factor"),
    "fibre.surface.max_slope_deg": ("độ dốc tối đa đi cáp (độ)", "steepest slope for cable (degrees)"),
    "fibre.surface.road_factor": ("hệ số dọc đường giao thông", "factor along roads"),
    "fibre.surface.power_factor": ("hệ số treo trên cột điện", "factor on power poles"),
    "fibre.surface.river_factor": ("hệ số vượt sông", "river crossing factor"),
    "fibre.costs.olt": ("chi phí card OLT", "OLT card cost"),
    "fibre.costs.cabinet": ("chi phí tủ OLT mới", "new OLT cabinet cost"),
    "fibre.costs.splitter": ("chi phí bộ chia", "splitter cost"),
    "fibre.costs.drop_per_m": ("chi phí cáp thuê bao mỗi mét", "drop cable per metre"),
    "fibre.costs.facility_connection": ("chi phí đấu nối cơ sở", "facility connection cost"),
    "targets.fibre_schools_pct": ("mục tiêu trường học có cáp quang (%)", "schools with fibre target (%)"),
    "targets.fibre_health_pct": ("mục tiêu trạm y tế có cáp quang (%)", "health stations with fibre target (%)"),
    "targets.broadband_50mbps_pct": ("mục tiêu dân số có băng rộng ≥ 50 Mbps (%)", "people with broadband ≥ 50 Mbps target (%)"),
    "outputs.dir": ("thư mục kết quả", "output folder"),
    "outputs.crs": ("hệ tọa độ các lớp bản đồ", "CRS of the layers"),
    "outputs.formats": ("định dạng lớp bản đồ", "layer formats"),
    "outputs.tables": ("định dạng bảng", "table formats"),
    "outputs.csv_bom": ("CSV có BOM UTF-8 (Excel)", "CSV with a UTF-8 BOM (Excel)"),
    "outputs.report": ("báo cáo HTML", "HTML report"),
    "outputs.report_pdf": ("báo cáo PDF", "PDF report"),
    "outputs.language": ("ngôn ngữ báo cáo", "report language"),
    "outputs.rasters": ("raster RSRP và vùng phủ", "RSRP rasters and coverage polygons"),
    "outputs.raster_resolution_m": ("độ phân giải raster (m)", "raster cell size (m)"),
    "outputs.qgis": ("dự án QGIS", "QGIS project"),
    "outputs.web_map": ("bản đồ tương tác", "interactive map"),
    "targets.coverage_4g_pct": ("mục tiêu tỷ lệ dân có 4G/5G (%)", "target: people covered by 4G/5G (%)"),
    "targets.white_villages": ("mục tiêu số bản trắng còn lại", "target: white villages left"),
    "targets.fibre_households_pct": ("mục tiêu tỷ lệ hộ có cáp quang (%)", "target: households with fibre (%)"),
    "targets.fibre_communes_pct": ("mục tiêu tỷ lệ xã có cáp quang (%)", "target: communes with fibre (%)"),
    "published.villages": ("số bản đã công bố", "published number of villages"),
    "published.white_villages": ("số bản trắng đã công bố", "published number of white villages"),
    "published.source": ("nguồn số liệu công bố", "source of the published figures"),
}
