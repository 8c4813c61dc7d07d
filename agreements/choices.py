"""The vocabularies of an agreement, as choice lists (data, not code paths).

Labels are the words the seeds use, so that a partnership reads its own documents back. Legal
conditions (UK GDPR Article 6 and 9, the statutes relied on) are not here: they are reference
rows (`LegalBasis`), so that they can be kept current without a release.
"""

from django.db import models


class AgreementKind(models.TextChoices):
    INFORMATION_SHARING_AGREEMENT = "isa", "Information sharing agreement"
    INDIVIDUAL_PROTOCOL = "protocol", "Individual protocol"
    STANDARD_OPERATING_PROCEDURE = "sop", "Standard operating procedure"
    CODE_OF_PRACTICE = "code_of_practice", "Code of practice"


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    CONSULTATION = "consultation", "In consultation"
    ACTIVE = "active", "Active"
    UNDER_REVIEW = "under_review", "Under review"
    SUPERSEDED = "superseded", "Superseded"
    EXPIRED = "expired", "Expired"
    WITHDRAWN = "withdrawn", "Withdrawn"


class AgreementAction(models.TextChoices):
    """The moves of an agreement's lifecycle, labelled as things one can do."""

    CIRCULATE = "circulate", "send for consultation"
    RETURN_TO_DRAFT = "return_to_draft", "return to draft"
    APPROVE = "approve", "approve"
    START_REVIEW = "start_review", "start a review"
    CLOSE_REVIEW = "close_review", "close the review"
    SUPERSEDE = "supersede", "mark as superseded"
    EXPIRE = "expire", "mark as expired"
    WITHDRAW = "withdraw", "withdraw"


class InformationLevel(models.TextChoices):
    """Haringey 3.7: the three levels of information partners may share."""

    AGGREGATE = "aggregate", "Aggregate and management information"
    MINIMUM = "minimum", "Minimum data"
    DETAILED = "detailed", "Detailed and sensitive information"


class SharingMethod(models.TextChoices):
    """The information sharing methods of the Kent & Medway agreement (Kent SEND SOP)."""

    FORM_BASED = "method_1", "Method 1: form based, non-urgent"
    SHARED_ENVIRONMENT = "method_2", "Method 2: shared environment"
    DIRECT_ACCESS = "method_3", "Method 3: direct access to partner ICT"
    FORMAL_MEETING = "method_4", "Method 4: formal meeting or conference"
    OPERATIONALLY_URGENT = "method_5", "Method 5: operationally urgent"


class Channel(models.TextChoices):
    SECURE_EMAIL = "secure_email", "Secure email"
    SECURE_WEBSITE = "secure_website", "Secure website for storage and retrieval"
    PROTECTED_EMAIL = "protected_email", "Non-secure email with password protection"
    VERBAL = "verbal", "Verbally"
    WRITTEN = "written", "Written documentation"
    CONFIDENTIAL_POST = "confidential_post", "Hand delivery or post marked confidential"
    SHARED_SYSTEM = "shared_system", "Controlled access to a shared IT system"
    MEETING = "meeting", "Formal meeting, including telephone or video conference"
    PAPER_RECORDS = "paper_records", "Paper records or files"
    PROTECTED_FILES = "protected_files", "Password-protected files and documents"
    ENCRYPTED_MEDIA = "encrypted_media", "Encrypted memory sticks"


class Party(models.TextChoices):
    """Whom a term binds ("Participating schools agree to…")."""

    ALL = "all", "All parties"
    SCHOOLS = "schools", "Participating schools"
    MAINTAINED_SCHOOLS = "maintained_schools", "Maintained schools"
    ACADEMIES = "academies", "Participating academies"
    COUNCIL = "council", "The council"
    HEALTH = "health", "Health bodies"
    POLICE = "police", "Police"
    OTHER = "other", "Other parties"


class LegalBasisKind(models.TextChoices):
    ARTICLE_6 = "article_6", "UK GDPR Article 6 lawful basis"
    ARTICLE_9 = "article_9", "UK GDPR Article 9 condition for special category data"
    SCHEDULE_1 = "schedule_1", "DPA 2018 Schedule 1 condition"
    STATUTE = "statute", "Statute: the legal power or duty relied on"
    COMMON_LAW = "common_law", "Common law and other grounds"


class SignatoryStatus(models.TextChoices):
    INVITED = "invited", "Invited"
    SIGNED = "signed", "Signed"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ConsultationStatus(models.TextChoices):
    OPEN = "open", "Open for responses"
    APPROVED = "approved", "Change approved"
    DROPPED = "dropped", "Change dropped"


class Reply(models.TextChoices):
    AGREE = "agree", "Agree"
    OBJECT = "object", "Object"
    COMMENT = "comment", "Comment"


class AuditRequestStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


class IcoHeading(models.TextChoices):
    """What the ICO data sharing code says an agreement should cover, in its order."""

    PURPOSE = "purpose", "Purpose of the sharing"
    ORGANISATIONS = "organisations", "Organisations involved and their roles (joint controllers)"
    DATA_ITEMS = "data_items", "Data items to be shared and whose they are"
    LAWFUL_BASIS = "lawful_basis", "Lawful basis and legal power"
    SPECIAL_CATEGORY = "special_category", "Special category and criminal offence data"
    RIGHTS = "rights", "Individuals' rights, transparency and a point of contact"
    GOVERNANCE = "governance", "Information governance"
    FURTHER_DETAILS = "further_details", "Further details"
