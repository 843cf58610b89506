from cadence_account.domain.imports import ImportFile, ImportOptions, parse_import

HEADER = b"account_external_id,account_name,subscription_external_id,vendor,product,term_start,renewal_date\n"


def test_dates_out_of_range_and_a_term_ending_before_it_starts_are_errors() -> None:
    data = HEADER + b"a1,A,s1,Microsoft,M365,2027-06-01,2027-01-31\na1,A,s2,Microsoft,M365,,0001-01-01\n"
    parsed = parse_import([ImportFile("f.csv", data)], ImportOptions(format="template"))
    assert {(e.row, e.column) for e in parsed.errors} == {(2, "term_start"), (3, "renewal_date")}
    assert any("out of range" in e.reason for e in parsed.errors)
