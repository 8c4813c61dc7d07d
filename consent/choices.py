"""The vocabularies of children's records and consent, as choice lists (data, not code paths)."""

from django.db import models


class Gender(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    ANOTHER = "another", "Another gender"
    NOT_KNOWN = "not_known", "Not known"


class Ethnicity(models.TextChoices):
    """The Office for National Statistics 2021 census categories (Haringey 3.8 "ethnic origin";
    optional, and special category data under UK GDPR Article 9)."""

    ASIAN_BANGLADESHI = "asian_bangladeshi", "Asian or Asian British: Bangladeshi"
    ASIAN_CHINESE = "asian_chinese", "Asian or Asian British: Chinese"
    ASIAN_INDIAN = "asian_indian", "Asian or Asian British: Indian"
    ASIAN_PAKISTANI = "asian_pakistani", "Asian or Asian British: Pakistani"
    ASIAN_OTHER = "asian_other", "Asian or Asian British: any other Asian background"
    BLACK_AFRICAN = "black_african", "Black, Black British, Caribbean or African: African"
    BLACK_CARIBBEAN = "black_caribbean", "Black, Black British, Caribbean or African: Caribbean"
    BLACK_OTHER = "black_other", "Black, Black British, Caribbean or African: any other background"
    MIXED_WHITE_ASIAN = "mixed_white_asian", "Mixed or multiple: White and Asian"
    MIXED_WHITE_BLACK_AFRICAN = (
        "mixed_white_black_african",
        "Mixed or multiple: White and Black African",
    )
    MIXED_WHITE_BLACK_CARIBBEAN = (
        "mixed_white_black_caribbean",
        "Mixed or multiple: White and Black Caribbean",
    )
    MIXED_OTHER = "mixed_other", "Mixed or multiple: any other background"
    WHITE_BRITISH = "white_british", "White: English, Welsh, Scottish, Northern Irish or British"
    WHITE_IRISH = "white_irish", "White: Irish"
    WHITE_GYPSY_TRAVELLER = "white_gypsy_traveller", "White: Gypsy or Irish Traveller"
    WHITE_ROMA = "white_roma", "White: Roma"
    WHITE_OTHER = "white_other", "White: any other White background"
    OTHER_ARAB = "other_arab", "Other ethnic group: Arab"
    OTHER = "other", "Other ethnic group: any other ethnic group"
    NOT_GIVEN = "not_given", "Prefers not to say"


class SenStatus(models.TextChoices):
    """Special educational needs provision (SEND Code of Practice 0–25)."""

    NONE = "none", "No identified special educational needs"
    SEN_SUPPORT = "sen_support", "SEN support"
    ASSESSMENT = "assessment", "EHC needs assessment under way"
    EHC_PLAN = "ehc_plan", "EHC plan"


# Provision that counts as "additional needs": a young person with it stays in scope to 25.
ADDITIONAL_NEEDS = frozenset({SenStatus.SEN_SUPPORT, SenStatus.ASSESSMENT, SenStatus.EHC_PLAN})


class Decision(models.TextChoices):
    GIVEN = "given", "Consent given"
    REFUSED = "refused", "Consent refused"


class ConsentStatus(models.TextChoices):
    GIVEN = "given", "Given"
    REFUSED = "refused", "Refused"
    WITHDRAWN = "withdrawn", "Withdrawn"
    EXPIRED = "expired", "Expired"


class GiverKind(models.TextChoices):
    YOUNG_PERSON = "young_person", "The child or young person"
    PARENT = "parent", "A person with parental responsibility"


class Relationship(models.TextChoices):
    """How the person giving consent holds parental responsibility."""

    MOTHER = "mother", "Mother"
    FATHER = "father", "Father with parental responsibility"
    STEP_PARENT = "step_parent", "Step-parent with parental responsibility"
    ADOPTIVE_PARENT = "adoptive_parent", "Adoptive parent"
    SPECIAL_GUARDIAN = "special_guardian", "Special guardian"
    GUARDIAN = "guardian", "Guardian"
    CHILD_ARRANGEMENTS = "child_arrangements", "Named in a child arrangements order"
    LOCAL_AUTHORITY = "local_authority", "Local authority (care order)"
    OTHER = "other", "Other person with parental responsibility"


class CaptureMethod(models.TextChoices):
    SIGNED_FORM = "signed_form", "Signed consent form"
    VERBAL = "verbal", "Verbally, recorded by the practitioner"
    ELECTRONIC = "electronic", "Electronically (for example an online form or email)"


class SpecialCategory(models.TextChoices):
    """Special category data (UK GDPR Article 9), and criminal offence data (Article 10), which
    is shared only with explicit consent or another condition (Haringey 4.4)."""

    HEALTH = "health", "Health, including mental health and disability"
    ETHNIC_ORIGIN = "ethnic_origin", "Racial or ethnic origin"
    RELIGION = "religion", "Religious or philosophical beliefs"
    SEX_LIFE = "sex_life", "Sex life or sexual orientation"
    BIOMETRIC = "biometric", "Biometric data used to identify someone"
    GENETIC = "genetic", "Genetic data"
    POLITICAL = "political", "Political opinions"
    TRADE_UNION = "trade_union", "Trade union membership"
    CRIMINAL_OFFENCE = "criminal_offence", "Criminal offences and allegations (Article 10)"


# The categories' values, for checks every decision makes (an enum's `values` is a new list each
# time it is asked for).
SPECIAL_CATEGORY_VALUES = frozenset(SpecialCategory.values)


class EventKind(models.TextChoices):
    """What can happen to a consent record. Each is a new row of its timeline; none changes or
    removes an earlier one."""

    GIVEN = "given", "Consent given"
    REFUSED = "refused", "Consent refused"
    REVIEWED = "reviewed", "Reviewed and confirmed as current"
    WITHDRAWN = "withdrawn", "Withdrawn"
    EXPIRED = "expired", "Expired"
    REPLACED = "replaced", "Replaced by a newer consent"
    FORM_ATTACHED = "form_attached", "Signed form attached"


class CheckReason(models.TextChoices):
    """Why there is no consent to rely on (the answer of `consent_check`)."""

    NONE = "none", "No consent has been recorded for this child"
    REFUSED = "refused", "Consent was refused"
    WITHDRAWN = "withdrawn", "Consent was withdrawn"
    EXPIRED = "expired", "Consent has expired"
    SCOPE_NOT_COVERED = "scope_not_covered", "The consent does not cover this purpose"
    RECIPIENT_NOT_COVERED = (
        "recipient_not_covered",
        "The consent does not allow sharing with this organisation",
    )
    SPECIAL_CATEGORY_NOT_EXPLICIT = (
        "special_category_not_explicit",
        "There is no explicit consent for this special category data",
    )


class Requester(models.TextChoices):
    YOUNG_PERSON = "young_person", "The child or young person"
    PARENT = "parent", "A parent or carer on the child's behalf"
    REPRESENTATIVE = "representative", "Another representative (a solicitor, an advocate)"


class ChildConfirmation(models.TextChoices):
    CONFIRMED = "confirmed", "The child confirmed the request"
    DECLINED = "declined", "The child did not agree to the request"
    AWAITED = "awaited", "Asked; the child's answer is awaited"
