"""Importing organisations from a Get Information About Schools extract."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from partners import services
from partners.models import ImportStatus, Organisation
from partners.roles import Role

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).resolve().parents[2] / "partners" / "fixtures" / "gias_sample.csv"
HEADER = SAMPLE.read_text().splitlines()[0]


def upload(name: str, text: str | bytes) -> SimpleUploadedFile:
    content = text.encode("cp1252") if isinstance(text, str) else text
    return SimpleUploadedFile(name, content, content_type="text/csv")


def sample_row(urn: str, name: str, postcode: str = "ME14 1AA", status: str = "Open") -> str:
    return (
        f"{urn},886,Kent,2101,{name},01,Community school,4,Local authority maintained schools,"
        f"1,{status},2,Primary,4,11,1 High Street,,,Maidstone,Kent,{postcode},,01622 111111,"
        "Mrs,A,B,1"
    )


def run_import(officer, file) -> object:
    job = services.organisation_import_upload(actor=officer, upload=file)
    services.organisation_import_confirm(actor=officer, job=job)
    return services.organisation_import_run(job_id=job.pk)


def test_the_sample_file_imports_every_school_with_its_type(in_tenant):
    officer = in_tenant.member(Role.IG_OFFICER)
    job = run_import(officer, upload("gias.csv", SAMPLE.read_bytes()))
    assert job.status == ImportStatus.DONE
    assert (job.created_count, job.updated_count, job.errors) == (8, 0, [])
    types = dict(Organisation.objects.exclude(urn="").values_list("urn", "type"))
    assert types["990001"] == "maintained_school"
    assert types["990002"] == "academy"
    assert types["990003"] == "special_school"
    assert types["990004"] == "free_school"
    assert types["990005"] == "early_years"
    assert types["990006"] == "fe_post16"
    closed = Organisation.objects.get(urn="990007")
    assert closed.is_active is False
    assert Organisation.objects.get(urn="990001").la_establishment_number == "886/2001"


def test_re_import_updates_by_urn_and_never_duplicates(in_tenant):
    officer = in_tenant.member(Role.IG_OFFICER)
    run_import(officer, upload("first.csv", SAMPLE.read_bytes()))
    renamed = SAMPLE.read_text().replace("Oakfield Primary School (demo)", "Oakfield Primary")
    job = run_import(officer, upload("second.csv", renamed))
    assert (job.created_count, job.updated_count) == (0, 8)
    assert Organisation.objects.filter(urn="990001").count() == 1
    oakfield = Organisation.objects.get(urn="990001")
    assert oakfield.name == "Oakfield Primary"
    assert oakfield.history.count() == 2


def test_good_duplicate_and_broken_rows_are_each_reported_by_line(in_tenant):
    officer = in_tenant.member(Role.IG_OFFICER)
    text = "\n".join(
        [
            HEADER,
            sample_row("991001", "Good School"),  # line 2
            sample_row("991001", "Same URN Again"),  # line 3: duplicate
            sample_row("12", "Short URN"),  # line 4: bad URN
            sample_row("991002", "Bad Postcode", postcode="NOWHERE"),  # line 5
            sample_row("991003", ""),  # line 6: no name
            sample_row("991004", "Café Élan Nursery"),  # line 7: Windows-1252 accents
        ]
    )
    job = run_import(officer, upload("mixed.csv", text))
    assert job.created_count == 2
    assert [(e["line"], e["urn"]) for e in job.errors] == [
        (3, "991001"),
        (4, "12"),
        (5, "991002"),
        (6, "991003"),
    ]
    assert "appears again" in job.errors[0]["message"]
    assert "Postcode" in job.errors[2]["message"]
    assert Organisation.objects.get(urn="991004").name == "Café Élan Nursery"
    assert Organisation.objects.get(urn="991001").name == "Good School"


def test_a_row_clashing_with_an_existing_name_is_reported_and_the_rest_saved(in_tenant):
    officer = in_tenant.member(Role.IG_OFFICER)
    Organisation.objects.create(name="Clash School", type="academy", urn="992999")
    text = "\n".join([HEADER, sample_row("992001", "Clash School"), sample_row("992002", "Fine")])
    job = run_import(officer, upload("clash.csv", text))
    assert job.created_count == 1
    assert [e["line"] for e in job.errors] == [2]
    assert Organisation.objects.filter(name="Fine").exists()


def test_the_preview_says_what_would_happen_and_writes_nothing(in_tenant):
    officer = in_tenant.member(Role.IG_OFFICER)
    Organisation.objects.create(name="Existing", type="academy", urn="990002")
    job = services.organisation_import_upload(
        actor=officer, upload=upload("gias.csv", SAMPLE.read_bytes())
    )
    preview = services.organisation_import_preview(job=job)
    assert (preview.total, preview.to_create, preview.to_update) == (8, 7, 1)
    assert Organisation.objects.exclude(urn="").count() == 1
    assert job.status == ImportStatus.PREVIEWED


def test_a_file_that_is_not_a_gias_extract_is_refused_with_the_missing_column(in_tenant):
    with pytest.raises(ValidationError) as refused:
        services.organisation_import_upload(
            actor=in_tenant.member(Role.IG_OFFICER), upload=upload("x.csv", "name,town\nA,B\n")
        )
    assert "URN" in str(refused.value.message_dict["source"])


def test_an_import_runs_once_however_often_it_is_started(in_tenant):
    officer = in_tenant.member(Role.IG_OFFICER)
    job = services.organisation_import_upload(
        actor=officer, upload=upload("gias.csv", SAMPLE.read_bytes())
    )
    services.organisation_import_confirm(actor=officer, job=job)
    with pytest.raises(ValidationError, match="already been started"):
        services.organisation_import_confirm(actor=officer, job=job)
    assert services.organisation_import_run(job_id=job.pk).created_count == 8
    assert services.organisation_import_run(job_id=job.pk) is None
    assert Organisation.objects.exclude(urn="").count() == 8
