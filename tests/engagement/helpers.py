"""Shared test data of the engagement tests: a SurveyMonkey export written in any encoding.
"""

import csv
import io

# ============================================================== SurveyMonkey exports
AREA1 = "Transparency on decision-making: ICS, local partnership/place, organisation level"


AREA2 = "Public information about vision, plan, progress and performance"


SM_ROWS = [
    ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", AREA1, "",
     AREA2, "", "Which organisation do you work for?", "How do you hear about plans?", "", ""],
    ["", "", "", "", "", "What works well", "What could be better", "What works well",
     "What could be better", "Response", "Newsletter", "Website", "Other (please specify)"],
    # answered both boxes of area 1; skipped area 2; ticked one option
    ["11447", "2001", "10/15/2018 09:12:34 AM", "10/15/2018 09:30:01 AM", "10.0.0.1",
     "Board papers are online – “open” meetings", "Parking costs £5", "", "", "Healthwatch",
     "Newsletter", "", ""],
    # skipped area 1, one box of area 2 (the other is whitespace only)
    ["11448", "2001", "10/16/2018 10:00:00 AM", "10/16/2018 10:05:00 AM", "10.0.0.2",
     "", "", "Clear five-year plan", "   ", "CCG", "", "Website", "Radio"],
    # answered one box of area 1, then stopped
    ["11449", "2002", "10/17/2018 11:00:00 AM", "10/17/2018 11:01:00 AM", "10.0.0.3",
     "Good", "", "", "", "", "", "", ""],
]


def write_csv(path, rows, encoding):
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path
