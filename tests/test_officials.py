"""The officials extractor: one row per way Vietnamese news writes a person and a position.

All sentences are written for these tests (names invented); none come from the dev gold.
"""

from __future__ import annotations

import json
import time
import unicodedata

import pytest

from nlp.document import analyze
from nlp.extractors import officials
from nlp.normalize import fold, normalize_text


def _run(text: str) -> dict[str, list[str]]:
    adoc = analyze(normalize_text(text))
    return {f.data["name"]: f.data["titles"] for f in officials.extract(adoc)}


# (phrasing, text, expected {name: titles}) — titles compared after folding, in any order.
CASES = [
    ("elected by consultation (hiệp thương) in the Front",
     "Hội nghị lần thứ nhất, ông Đinh Văn Sơn được hiệp thương giữ chức Phó Chủ tịch Ủy ban MTTQ Việt Nam xã Tà Xùa.",
     {"Đinh Văn Sơn": ["Phó Chủ tịch Ủy ban MTTQ Việt Nam xã Tà Xùa"]}),
    ("apposition after name with đồng chí",
     "Chiều 3/9, đồng chí Hà Minh Tuấn, Phó Bí thư Tỉnh ủy Gia Lai làm việc với xã.",
     {"Hà Minh Tuấn": ["Phó Bí thư Tỉnh ủy Gia Lai"]}),
    ("title before name, place then name",
     "Chủ tịch UBND xã Tân Phú Đông Lê Văn Khanh cho biết xã đã hoàn thành kế hoạch.",
     {"Lê Văn Khanh": ["Chủ tịch UBND xã Tân Phú Đông"]}),
    ("two titles before name (O1)",
     "Theo Bí thư Đảng ủy, Chủ tịch HĐND phường Hạc Thành Vũ Đình Khôi, phường đã sẵn sàng.",
     {"Vũ Đình Khôi": ["Bí thư Đảng ủy", "Chủ tịch HĐND phường Hạc Thành"]}),
    ("title before name, then a dashed second title",
     "Phó Chủ tịch UBND tỉnh Trịnh Văn Lực – Trưởng Đoàn công tác số 2 ghi nhận kết quả.",
     {"Trịnh Văn Lực": ["Phó Chủ tịch UBND tỉnh", "Trưởng Đoàn công tác số 2"]}),
    ("dash apposition, lowercase title, no spaces (O12)",
     "Cùng đi có ông Đỗ Hữu Tài-phó chủ tịch thường trực UBND xã.",
     {"Đỗ Hữu Tài": ["phó chủ tịch thường trực UBND xã"]}),
    ("trailing parenthesis with title before name",
     "“Chúng tôi sẽ làm đến cùng” (Chủ tịch UBND phường An Khê Phạm Quốc Sơn)",
     {"Phạm Quốc Sơn": ["Chủ tịch UBND phường An Khê"]}),
    ("name then parenthesised title",
     "Bà Lương Thị Nga (Giám đốc Trung tâm Phục vụ hành chính công tỉnh) trả lời câu hỏi.",
     {"Lương Thị Nga": ["Giám đốc Trung tâm Phục vụ hành chính công tỉnh"]}),
    ("commas inside an organisation name do not split (O2)",
     "Dự có ông Mạc Văn Dũng, Phó Giám đốc Sở Văn hóa, Thể thao và Du lịch tỉnh.",
     {"Mạc Văn Dũng": ["Phó Giám đốc Sở Văn hóa, Thể thao và Du lịch tỉnh"]}),
    ("dash inside an organisation name (O2)",
     "- Đồng chí Tạ Thu Hà – Trưởng ban Kinh tế – Ngân sách",
     {"Tạ Thu Hà": ["Trưởng ban Kinh tế – Ngân sách"]}),
    ("attendance list with semicolons",
     "Dự hội nghị có: Ông Hồ Văn Lâm – Bí thư Đảng ủy xã; Bà Kiều Thị Mơ – Ủy viên BTV Đảng ủy, "
     "Chủ tịch Ủy ban MTTQ Việt Nam xã; Ông Lò Văn Pản – Phó Chủ tịch UBND xã.",
     {"Hồ Văn Lâm": ["Bí thư Đảng ủy xã"],
      "Kiều Thị Mơ": ["Ủy viên BTV Đảng ủy", "Chủ tịch Ủy ban MTTQ Việt Nam xã"],
      "Lò Văn Pản": ["Phó Chủ tịch UBND xã"]}),
    ("former positions keep their marker (O4)",
     "Dự lễ có ông Quách Văn Thịnh, nguyên Bí thư Tỉnh ủy, nguyên Chủ tịch UBND tỉnh Hòa Bình.",
     {"Quách Văn Thịnh": ["nguyên Bí thư Tỉnh ủy", "nguyên Chủ tịch UBND tỉnh Hòa Bình"]}),
    ("appointment cue, nhiệm kỳ tail dropped (O5)",
     "Ông Thái Văn Hòa giữ chức vụ Trưởng ban Thanh tra nhân dân xã Bình Minh nhiệm kỳ 2025 – 2030.",
     {"Thái Văn Hòa": ["Trưởng ban Thanh tra nhân dân xã Bình Minh"]}),
    ("appointment with the appointing body in between",
     "Đồng chí Phùng Văn Tiến, Ủy viên Ban Chấp hành Đảng bộ tỉnh được Tỉnh ủy chỉ định giữ chức vụ "
     "Bí thư Đảng ủy xã Sơn Thủy.",
     {"Phùng Văn Tiến": ["Ủy viên Ban Chấp hành Đảng bộ tỉnh", "Bí thư Đảng ủy xã Sơn Thủy"]}),
    ("shared predicate goes to both subjects (O6)",
     "Ông Lý Văn Quang, Chủ tịch UBND xã Nà Hang (cũ) và ông Vi Văn Thạch, Trưởng phòng Nội vụ huyện "
     "(cũ) giữ chức vụ Phó Chủ tịch UBND xã.",
     {"Lý Văn Quang": ["Chủ tịch UBND xã Nà Hang (cũ)", "Phó Chủ tịch UBND xã"],
      "Vi Văn Thạch": ["Trưởng phòng Nội vụ huyện (cũ)", "Phó Chủ tịch UBND xã"]}),
    ("làm + generic title inside a parenthesis (O7)",
     "Ban Pháp chế (do bà Ninh Thị Huệ, Phó Chủ tịch HĐND xã làm Trưởng ban).",
     {"Ninh Thị Huệ": ["Phó Chủ tịch HĐND xã", "Trưởng ban"]}),
    ("abbreviations kept as written (O8)",
     "Ông Sầm Văn Bảy – TUV, Bí thư Đảng ủy; ông Cầm Văn Hoan – PCT MTTQ xã.",
     {"Sầm Văn Bảy": ["TUV", "Bí thư Đảng ủy"], "Cầm Văn Hoan": ["PCT MTTQ xã"]}),
    ("kiêm splits titles (O13)",
     "Theo ông Nguyễn Bá Lực, Phó Chủ tịch UBND xã kiêm Giám đốc Trung tâm, lượng hồ sơ tăng.",
     {"Nguyễn Bá Lực": ["Phó Chủ tịch UBND xã", "Giám đốc Trung tâm"]}),
    ("bank position (O11)",
     "Đồng chí Khúc Văn Hải – Phó Giám đốc Agribank Chi nhánh Yên Lập.",
     {"Khúc Văn Hải": ["Phó Giám đốc Agribank Chi nhánh Yên Lập"]}),
    ("honorific after a title",
     "Chủ tịch UBND xã Hòa Bình, ông Điểu Kré cho biết.",
     {"Điểu Kré": ["Chủ tịch UBND xã Hòa Bình"]}),
    ("rank stripped",
     "Thượng tá Đoàn Văn Sỹ, Trưởng Công an xã Tam Hiệp phát biểu.",
     {"Đoàn Văn Sỹ": ["Trưởng Công an xã Tam Hiệp"]}),
    ("a school named after a person is not a person",
     "Hiệu trưởng Trường THCS Lê Quý Đôn cho biết trường đạt chuẩn.",
     {}),
    ("status words are not positions (O9)",
     "Cựu chiến binh Đặng Văn Tâm và cụ Lưu Thị Hòa được tặng quà.",
     {}),
    ("unnamed role holders are not officials (O9)",
     "Đồng chí Bí thư Đảng ủy xã trao quà; Chủ tịch UBND tỉnh chỉ đạo.",
     {}),
    ("bylines and credits are not officials (O9)",
     "Bài, ảnh: Minh Châu\nẢnh: Hữu Nghĩa\nNguồn: Thanh Hà - Văn Tuấn",
     {}),
    ("a place after the type word is not a name",
     "Phát biểu tại xã Phong Điền, Chủ tịch UBND tỉnh nhấn mạnh.",
     {}),
    # Minority names written with an apostrophe syllable (H'Yăm, K'Lang): one name syllable,
    # straight or typographic apostrophe, prefix kept; the minority family names are listed.
    ("apostrophe name after an honorific, typographic ’",
     "Bà H’Bla Knul, Phó Chủ tịch UBND xã Cư M’gar, trả lời phóng viên.",
     {"H’Bla Knul": ["Phó Chủ tịch UBND xã Cư M’gar"]}),
    ("apostrophe syllable inside a Jrai name, title before it, lowercase head",
     "Phát biểu tại buổi làm việc, phó chủ tịch UBND xã Ia Pa Ksor H'Bơ đề nghị các thôn rà soát.",
     {"Ksor H'Bơ": ["phó chủ tịch UBND xã Ia Pa"]}),
    ("Jrai compound family name with an apostrophe given name, then a quote",
     "\"Dân cần thì mình đến tận nhà\", bà Rơ Châm H’Ly, Chủ tịch Ủy ban MTTQ Việt Nam xã Ia Hrung, nói.",
     {"Rơ Châm H’Ly": ["Chủ tịch Ủy ban MTTQ Việt Nam xã Ia Hrung"]}),
    ("Ê Đê four-syllable name between dashes",
     "Ông Y Ngông Niê Kdăm – Chủ tịch HĐND xã Ea Tul – chủ trì hội nghị.",
     {"Y Ngông Niê Kdăm": ["Chủ tịch HĐND xã Ea Tul"]}),
    ("M'nông name with an apostrophe after a place with one",
     "Chủ tịch UBND xã Đắk R’Moan Điểu K’Lang nói rằng xã thiếu người.",
     {"Điểu K’Lang": ["Chủ tịch UBND xã Đắk R’Moan"]}),
    ("an ethnic group's name with an apostrophe is not a person",
     "Đồng bào M'nông ở bon Bu Prăng rất phấn khởi khi Phó Chủ tịch UBND xã đến thăm.",
     {}),
    ("single quotes around a quotation are punctuation, not a name syllable",
     "Ông Lò Văn Minh, Chủ tịch UBND xã Nậm Cắn, nói: 'Bà con đã quen nộp hồ sơ qua mạng'.",
     {"Lò Văn Minh": ["Chủ tịch UBND xã Nậm Cắn"]}),
    # Lowercase heads before organisation + place + name; a family name the list lacks is still
    # split off after a known place.
    ("lowercase head, Thái family name",
     "Theo trưởng phòng Văn hóa – Xã hội xã Mường Lát Lường Văn Chiến, xã có 12 bản.",
     {"Lường Văn Chiến": ["trưởng phòng Văn hóa – Xã hội xã Mường Lát"]}),
    ("lowercase giám đốc before a centre, a ward and a name",
     "giám đốc Trung tâm Phục vụ hành chính công phường Hải Châu Đèo Thị Lan cho biết như vậy.",
     {"Đèo Thị Lan": ["giám đốc Trung tâm Phục vụ hành chính công phường Hải Châu"]}),
    ("lowercase phó bí thư before a commune and a name",
     "Sáng nay, phó bí thư Đảng ủy xã Kỳ Sơn Lô Thị Hằng kiểm tra bộ phận một cửa.",
     {"Lô Thị Hằng": ["phó bí thư Đảng ủy xã Kỳ Sơn"]}),
    ("unlisted family name after a known place",
     "Chủ tịch UBND xã Tri Tôn Chau Sóc Khang cho biết xã đã bố trí người phiên dịch.",
     {"Chau Sóc Khang": ["Chủ tịch UBND xã Tri Tôn"]}),
    ("a capitalised organisation after the place is not a name",
     "Chủ tịch UBND xã Con Cuông Tổ Công tác đặc biệt đã làm việc với bản.",
     {}),
    ("a Title Case headline holds no name",
     "Chủ Tịch UBND Xã Con Cuông Thăm Hộ Nghèo",
     {}),
    # Other orders checked together with these patterns.
    ("rank, name, then the title",
     "Đại tá Lê Quang Đạo, Giám đốc Công an tỉnh Nghệ An, kiểm tra công tác cấp căn cước.",
     {"Lê Quang Đạo": ["Giám đốc Công an tỉnh Nghệ An"]}),
    ("former title with (cũ), then an appointment cue after the comma",
     "Bà Vi Thị Hoa, nguyên Phó Chủ tịch UBND huyện Tương Dương (cũ), được bầu làm Chủ tịch Hội Nông "
     "dân xã.",
     {"Vi Thị Hoa": ["nguyên Phó Chủ tịch UBND huyện Tương Dương (cũ)", "Chủ tịch Hội Nông dân xã"]}),
    ("a comma then an ordinary verb is not an appointment",
     "Ông Hà Văn Sơn, Phó Chủ tịch UBND xã, cho biết Chủ tịch UBND tỉnh đã chỉ đạo.",
     {"Hà Văn Sơn": ["Phó Chủ tịch UBND xã"]}),
    ("name then a parenthesised title, Mông name",
     "Ông Mùa A Sử (Chủ tịch UBND xã Mường Nhé) trao quà cho các hộ nghèo.",
     {"Mùa A Sử": ["Chủ tịch UBND xã Mường Nhé"]}),
    ("quote, then name and a title with a dashed organisation",
     "“Chúng tôi sẽ không để hồ sơ nào trễ hạn”, ông Sầm Văn Khiêm, Trưởng phòng Văn hóa – Xã hội xã "
     "Quế Phong nói.",
     {"Sầm Văn Khiêm": ["Trưởng phòng Văn hóa – Xã hội xã Quế Phong"]}),
    # Plural honorifics: every name of the list shares the predicate or the apposition (O6); a
    # later short reference (given name or family name) is the one full name it abbreviates.
    ("plural honorific, shared appointment, later given-name reference",
     "Tại đại hội, các đồng chí Đoàn Minh Khoa và Lục Thị Yến được bầu giữ chức Phó Bí thư Đảng ủy xã "
     "Quỳ Hợp. Đồng chí Khoa đồng thời là Chủ tịch UBND xã.",
     {"Đoàn Minh Khoa": ["Phó Bí thư Đảng ủy xã Quỳ Hợp", "Chủ tịch UBND xã"],
      "Lục Thị Yến": ["Phó Bí thư Đảng ủy xã Quỳ Hợp"]}),
    ("plural honorific with a colon and three names",
     "Hội nghị đã bầu bổ sung các ông: Tăng Văn Lộc, Hứa Văn Đạt và Mông Thị Sen làm Ủy viên Ủy ban "
     "MTTQ Việt Nam xã.",
     {"Tăng Văn Lộc": ["Ủy viên Ủy ban MTTQ Việt Nam xã"], "Hứa Văn Đạt": ["Ủy viên Ủy ban MTTQ Việt Nam xã"],
      "Mông Thị Sen": ["Ủy viên Ủy ban MTTQ Việt Nam xã"]}),
    ("hai bà + a dashed apposition shared by the list",
     "Hai bà Quan Thị Nhàn và Bế Thị Duyên – Phó Chủ tịch Hội Liên hiệp Phụ nữ xã cùng dự.",
     {"Quan Thị Nhàn": ["Phó Chủ tịch Hội Liên hiệp Phụ nữ xã"],
      "Bế Thị Duyên": ["Phó Chủ tịch Hội Liên hiệp Phụ nữ xã"]}),
    ("full-name reference with đồng thời là",
     "Ông Triệu Văn Thắng được chỉ định làm Bí thư Đảng ủy xã. Ông Triệu Văn Thắng đồng thời là Chủ tịch "
     "HĐND xã Ba Bể.",
     {"Triệu Văn Thắng": ["Bí thư Đảng ủy xã", "Chủ tịch HĐND xã Ba Bể"]}),
    ("short reference with an apposition",
     "Bà Ma Thị Hường dự họp.\n\nBà Hường, Trưởng phòng Kinh tế xã, trình bày báo cáo.",
     {"Ma Thị Hường": ["Trưởng phòng Kinh tế xã"]}),
    ("a short reference that fits two people is dropped",
     "Các ông Nông Văn Tài và Lương Văn Tài dự họp. Ông Tài là Chủ tịch Hội Nông dân xã.",
     {}),
    ("a short reference with no full name is no official",
     "Ông Tư kể lại chuyện cũ. Ông Tư là Chủ tịch Hội Người cao tuổi xã.",
     {}),
    # TITLE – honorific NAME
    ("title, dash, honorific and name inside a parenthesis",
     "Số hồ sơ trực tuyến tăng mạnh (Giám đốc Trung tâm – ông Hoàng Đức Mạnh cho biết).",
     {"Hoàng Đức Mạnh": ["Giám đốc Trung tâm"]}),
    ("title, dash, honorific and name",
     "Phó Chủ tịch UBND phường Trường Vinh – bà Chu Thị Loan kiểm tra bộ phận một cửa.",
     {"Chu Thị Loan": ["Phó Chủ tịch UBND phường Trường Vinh"]}),
    # Commune civil servants: ``Công chức`` + a field; the field's dashes do not split the title.
    ("civil servant with a dashed field, dash apposition",
     "Anh Lò Văn Thịnh – Công chức Văn phòng – Thống kê xã hướng dẫn người dân nộp hồ sơ.",
     {"Lò Văn Thịnh": ["Công chức Văn phòng – Thống kê xã"]}),
    ("civil servant, lowercase, field then commune",
     "Chị Vàng Thị Dế, công chức Tư pháp - Hộ tịch xã Sìn Hồ cho biết đã cấp 40 bản sao.",
     {"Vàng Thị Dế": ["công chức Tư pháp - Hộ tịch xã Sìn Hồ"]}),
    ("civil servant with a three-part field",
     "Ông Giàng A Phử – công chức Địa chính – Xây dựng – Đô thị và Môi trường phường kiểm tra thực địa.",
     {"Giàng A Phử": ["công chức Địa chính – Xây dựng – Đô thị và Môi trường phường"]}),
    ("công chức with no field is not a position",
     "Bà Lý Thị Mai, công chức trẻ của xã, nhiệt tình với dân.",
     {}),
    ("a lowercase field after a comma inside a department name, then its parent organisation (O2)",
     "Điều động ông Trịnh Văn Hải, Phó Trưởng phòng Tổ chức, biên chế Sở Nội vụ giữ chức Chánh Văn phòng "
     "Sở Nội vụ.",
     {"Trịnh Văn Hải": ["Phó Trưởng phòng Tổ chức, biên chế Sở Nội vụ", "Chánh Văn phòng Sở Nội vụ"]}),
    ("elected and re-elected: the post after trúng cử / đắc cử (O5)",
     "Ông Trần Văn Khải tái trúng cử chức danh Chủ tịch UBND xã. Bà Đỗ Thị Mến đắc cử Chủ tịch Hội LHPN xã.",
     {"Trần Văn Khải": ["Chủ tịch UBND xã"], "Đỗ Thị Mến": ["Chủ tịch Hội LHPN xã"]}),
    ("a title ends where its holder's appointment starts",
     "Kỳ họp bầu ông Hà Văn Lợi, Chỉ huy trưởng Ban CHQS xã giữ chức Phó Chủ tịch UBND xã.",
     {"Hà Văn Lợi": ["Chỉ huy trưởng Ban CHQS xã", "Phó Chủ tịch UBND xã"]}),
    ("the post before đối với and its holder, the term dropped",
     "HĐND xã miễn nhiệm chức vụ Phó Chủ tịch UBND xã khóa I, nhiệm kỳ 2021 - 2026 đối với bà Lò Thị Xuân.",
     {"Lò Thị Xuân": ["Phó Chủ tịch UBND xã"]}),
    ("military posts after a rank",
     "Dự có Thiếu tướng Phan Văn Hòa - Phó Chính ủy Quân khu 7; Đại tá Lê Minh Quân - Tham mưu trưởng Bộ "
     "CHQS tỉnh.",
     {"Phan Văn Hòa": ["Phó Chính ủy Quân khu 7"], "Lê Minh Quân": ["Tham mưu trưởng Bộ CHQS tỉnh"]}),
    ("abbreviated Party posts (O8)",
     "Đồng chí Vũ Văn Sơn, HUV, Phó Chủ tịch UBND huyện; đồng chí Đào Văn Lực, UV BTV Huyện ủy, Trưởng Ban "
     "Tổ chức Huyện ủy.",
     {"Vũ Văn Sơn": ["HUV", "Phó Chủ tịch UBND huyện"],
      "Đào Văn Lực": ["UV BTV Huyện ủy", "Trưởng Ban Tổ chức Huyện ủy"]}),
    ("a numbered unit ends the title; the appointment after a comma still follows",
     "Ông Phan Minh Hậu, Bí thư Quận ủy quận 3, được điều động giữ chức Phó Giám đốc Sở Xây dựng.",
     {"Phan Minh Hậu": ["Bí thư Quận ủy quận 3", "Phó Giám đốc Sở Xây dựng"]}),
    ("a plural title before a colon is held by everyone listed after it (O6)",
     "Dự có các Ủy viên Trung ương Đảng: Lâm Văn Bé, Bí thư Tỉnh ủy; Tô Thị Hằng, Trưởng ban Dân vận "
     "Trung ương.",
     {"Lâm Văn Bé": ["Ủy viên Trung ương Đảng", "Bí thư Tỉnh ủy"],
      "Tô Thị Hằng": ["Ủy viên Trung ương Đảng", "Trưởng ban Dân vận Trung ương"]}),
    ("a two-syllable name before an appointment cue",
     "Ông Cao Tiến giữ chức vụ Chánh Văn phòng HĐND và UBND xã.",
     {"Cao Tiến": ["Chánh Văn phòng HĐND và UBND xã"]}),
    ("the term of the first title between the person and the cue",
     "Ông Mạc Văn Tú, Chủ tịch HĐND xã khóa IX được bầu giữ chức Chủ tịch UBND xã khóa X.",
     {"Mạc Văn Tú": ["Chủ tịch HĐND xã", "Chủ tịch UBND xã"]}),
    ("editors-in-chief, alternate members, abbreviation dots",
     "Dự có ông Vi Văn Hùng - Ủy viên BTV Tỉnh ủy, Tổng Biên tập Báo Phú Thọ; anh Bùi Quang Hải, Ủy viên dự "
     "khuyết Trung ương Đảng, Bí thư thứ nhất Trung ương Đoàn; ông Nguyễn Kim Phúc- PCT. HĐND thành phố Biên Hòa.",
     {"Vi Văn Hùng": ["Ủy viên BTV Tỉnh ủy", "Tổng Biên tập Báo Phú Thọ"],
      "Bùi Quang Hải": ["Ủy viên dự khuyết Trung ương Đảng", "Bí thư thứ nhất Trung ương Đoàn"],
      "Nguyễn Kim Phúc": ["PCT. HĐND thành phố Biên Hòa"]}),
    ("on behalf of a post is no title",
     "Thừa ủy quyền Chủ tịch nước, Bí thư Huyện ủy Lộc Hà Trương Thanh Hương trao Huy hiệu Đảng.",
     {"Trương Thanh Hương": ["Bí thư Huyện ủy Lộc Hà"]}),
    ("a plural title before several names (O6)",
     "Tham dự có các Phó Chủ tịch UBND tỉnh Võ Đức Trọng, Dương Văn Thắng và Trần Văn Chiến.",
     {"Võ Đức Trọng": ["Phó Chủ tịch UBND tỉnh"], "Dương Văn Thắng": ["Phó Chủ tịch UBND tỉnh"],
      "Trần Văn Chiến": ["Phó Chủ tịch UBND tỉnh"]}),
    ("one person, titles merged in the longest form (O3)",
     "Ông Mai Văn Tư, Bí thư Đảng ủy xã Đông Sơn phát biểu. Sau đó ông Mai Văn Tư, Bí thư Đảng ủy "
     "trao quà.",
     {"Mai Văn Tư": ["Bí thư Đảng ủy xã Đông Sơn"]}),
    # --- issue 12 ---
    ("a one-word national title before the name: the head of government",
     "Chiều 14/9, Thủ tướng Phạm Minh Chính làm việc với lãnh đạo tỉnh.",
     {"Phạm Minh Chính": ["Thủ tướng"]}),
    ("a one-word national title after Theo",
     "Theo Thủ tướng Lê Quang Vinh, các bộ cần hoàn thành sớm.",
     {"Lê Quang Vinh": ["Thủ tướng"]}),
    ("a collective title, a colon and bare names",
     "Các Phó Chủ tịch UBND tỉnh: Nguyễn Văn An, Trần Thị Bình và Lê Văn Cường dự họp.",
     {"Nguyễn Văn An": ["Phó Chủ tịch UBND tỉnh"], "Trần Thị Bình": ["Phó Chủ tịch UBND tỉnh"],
      "Lê Văn Cường": ["Phó Chủ tịch UBND tỉnh"]}),
    ("a collective title, gồm các ông: and names with their own titles in brackets",
     "Các Phó Chủ tịch HĐND tỉnh gồm các bà: Đỗ Thị Tâm (Trưởng ban Pháp chế HĐND tỉnh), "
     "Vương Thị Lộc (Chánh Văn phòng Đoàn ĐBQH tỉnh).",
     {"Đỗ Thị Tâm": ["Phó Chủ tịch HĐND tỉnh", "Trưởng ban Pháp chế HĐND tỉnh"],
      "Vương Thị Lộc": ["Phó Chủ tịch HĐND tỉnh", "Chánh Văn phòng Đoàn ĐBQH tỉnh"]}),
    ("N đồng chí: a list of names with appositions, then one shared election",
     "Hai đồng chí: Tạ Văn Hiền, Phó Bí thư Đảng ủy xã khóa I; Hồ Thị Mai, Chủ tịch UBND xã, được bầu "
     "giữ chức Phó Chủ tịch HĐND xã khóa II.",
     {"Tạ Văn Hiền": ["Phó Bí thư Đảng ủy xã", "Phó Chủ tịch HĐND xã"],
      "Hồ Thị Mai": ["Chủ tịch UBND xã", "Phó Chủ tịch HĐND xã"]}),
    ("coordinated honorifics before a list of names",
     "Ban Thường vụ chỉ định các ông, bà Lục Văn Kiên, Mai Thị Hòa, Đàm Quốc Huy giữ chức Phó Bí thư Huyện ủy.",
     {"Lục Văn Kiên": ["Phó Bí thư Huyện ủy"], "Mai Thị Hòa": ["Phó Bí thư Huyện ủy"],
      "Đàm Quốc Huy": ["Phó Bí thư Huyện ủy"]}),
    ("an in-charge title after a comma",
     "Bà Hà Thị Lan, Phó Giám đốc Sở Nội vụ, phụ trách Trung tâm Phục vụ hành chính công tỉnh, phát biểu.",
     {"Hà Thị Lan": ["Phó Giám đốc Sở Nội vụ", "phụ trách Trung tâm Phục vụ hành chính công tỉnh"]}),
    ("an in-charge field inside a title stays in it",
     "Ông Lê Văn Hải, Phó Chủ tịch UBND xã phụ trách lĩnh vực văn hóa, cho biết.",
     {"Lê Văn Hải": ["Phó Chủ tịch UBND xã phụ trách lĩnh vực văn hóa"]}),
    ("a career list runs past a term (khóa, nhiệm kỳ) and its comma",
     "Ông Trần Văn Mạnh, Ủy viên Ban Thường vụ Tỉnh ủy khóa XV, Chủ tịch UBND tỉnh, phát biểu. "
     "Ông Lý Quốc Bảo, Bí thư Huyện ủy nhiệm kỳ 2020-2025, Phó Giám đốc Sở Tài chính được điều động.",
     {"Trần Văn Mạnh": ["Ủy viên Ban Thường vụ Tỉnh ủy", "Chủ tịch UBND tỉnh"],
      "Lý Quốc Bảo": ["Bí thư Huyện ủy", "Phó Giám đốc Sở Tài chính"]}),
    ("a career list after a pronoun: the person named before",
     "Bà Hoàng Thị Yến quê ở Nam Định. Bà đã kinh qua các chức vụ Trưởng phòng Tư pháp huyện, Phó Giám đốc "
     "Sở Tư pháp. Năm 2019, bà được điều động làm Giám đốc Sở Tư pháp.",
     {"Hoàng Thị Yến": ["Trưởng phòng Tư pháp huyện", "Phó Giám đốc Sở Tư pháp", "Giám đốc Sở Tư pháp"]}),
    ("a ministry's name runs through its và",
     "Ông Kha Văn Tùng, Vụ trưởng Vụ Pháp chế, Bộ Giáo dục và Đào tạo phát biểu tại hội nghị.",
     {"Kha Văn Tùng": ["Vụ trưởng Vụ Pháp chế, Bộ Giáo dục và Đào tạo"]}),
    ("UVTV is Ủy viên Ban Thường vụ",
     "Ông Lâm Đức Hòa (UVTV Tỉnh ủy, Trưởng ban Tuyên giáo Tỉnh ủy) dự buổi làm việc.",
     {"Lâm Đức Hòa": ["UVTV Tỉnh ủy", "Trưởng ban Tuyên giáo Tỉnh ủy"]}),
    ("an Ê Đê name of five syllables after its title",
     "Bí thư Tỉnh ủy Y Nhơn Niê K’Long phát biểu khai mạc.",
     {"Y Nhơn Niê K’Long": ["Bí thư Tỉnh ủy"]}),
    ("a caption: title, comma, bare name and its verb",
     "Giám đốc Sở Y tế tỉnh Kon Tum, Rơ Châm Hùng kiểm tra trạm y tế xã.",
     {"Rơ Châm Hùng": ["Giám đốc Sở Y tế tỉnh Kon Tum"]}),
    ("a name cut short in a caption is the full name's",
     "Phó Chủ tịch UBND xã Phạm Thị Kim phát biểu. Phó Chủ tịch UBND xã Phạm Thị Kim Oanh cho biết xã đã "
     "hoàn thành.",
     {"Phạm Thị Kim Oanh": ["Phó Chủ tịch UBND xã"]}),
]


@pytest.mark.parametrize(("phrasing", "text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_phrasings(phrasing: str, text: str, expected: dict[str, list[str]]) -> None:
    got = _run(text)
    assert {fold(k): sorted(map(fold, v)) for k, v in got.items()} == \
        {fold(k): sorted(map(fold, v)) for k, v in expected.items()}, phrasing


def test_offsets_point_at_the_name_and_mentions_cover_every_occurrence() -> None:
    text = normalize_text(
        "Ông Trương Văn Bảy, Giám đốc Sở Nội vụ tỉnh, dự họp.\n\n"
        "Kết thúc buổi làm việc, ông Trương Văn Bảy đề nghị các xã rà soát hồ sơ."
    )
    adoc = analyze(text)
    facts = officials.extract(adoc)
    assert len(facts) == 1
    fact = facts[0]
    assert text[fact.start : fact.end] == "Trương Văn Bảy"
    assert fact.sentence == adoc.sentence_at(fact.start).index
    assert len(fact.mentions) == 2
    for start, end, sentence in fact.mentions:
        assert text[start:end] == "Trương Văn Bảy"
        assert sentence == adoc.sentence_at(start).index
    assert fact.data["_roles"] == ["Giám đốc"]
    assert fact.data["_organisations"] == ["Sở"]
    assert set(fact.spec()) == {"name", "titles"}


def test_nfd_input_gives_the_same_facts_as_nfc() -> None:
    raw = "Phó Chủ tịch UBND phường Thủy Xuân Hoàng Thị Thủy cho biết; ông Lê Quý Hòa – Bí thư Đảng ủy."
    nfc = officials.extract(analyze(normalize_text(unicodedata.normalize("NFC", raw))))
    nfd = officials.extract(analyze(normalize_text(unicodedata.normalize("NFD", raw))))
    assert [(f.data, f.start, f.end) for f in nfc] == [(f.data, f.start, f.end) for f in nfd]
    assert len(nfc) == 2


@pytest.mark.parametrize("text", [
    "",
    "!!!! ---- ;;;; (((( ))))",
    "12345 67890 3.456/7.890",
    "Chủ tịch " * 400,
    "Ông " * 500 + "Nguyễn",
    "\u0300\u0301\u0323 \ufffd\x00 Phó Bí thư – – – , , , kiêm kiêm",
    ("Bí thư Đảng ủy, " * 200) + "Nguyễn Văn A",
])
def test_hostile_input_never_raises_or_hangs(text: str) -> None:
    started = time.monotonic()
    facts = officials.extract(analyze(normalize_text(text)))
    assert time.monotonic() - started < 30
    assert isinstance(facts, list)
    json.dumps([f.spec() for f in facts], ensure_ascii=False)


def test_dev_gold_floor(shared_dir) -> None:
    """Quality gate on the dev gold: the officials F1 and title recall may not fall below floors."""
    from nlp.evaluate import score

    gold = [json.loads(line) for line in (shared_dir / "dev" / "gold.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()]
    preds = {}
    for g in gold:
        facts = officials.extract(analyze(normalize_text(g["text"])))
        preds[g["id"]] = {"id": g["id"], "officials": [f.spec() for f in facts]}
    ks = score(gold, preds)["officials"]
    assert ks.f1 >= 0.95
    assert (ks.attribute("titles") or 0) >= 0.95
