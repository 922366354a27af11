// Package dsa is the vocabulary of the EU DSA Transparency Database's
// statement of reasons submission API: the values each enumerated field
// accepts, in the database's second taxonomy (in force from 1 July 2025).
// The policy checks its DSA mapping against it; the compliance validator
// checks every record Vigil exports.
package dsa

import "slices"

// Visibility returns the decision_visibility values.
func Visibility() []string {
	return []string{"DECISION_VISIBILITY_CONTENT_REMOVED", "DECISION_VISIBILITY_CONTENT_DISABLED", "DECISION_VISIBILITY_CONTENT_DEMOTED",
		"DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED", "DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED", "DECISION_VISIBILITY_CONTENT_LABELLED",
		VisibilityOther}
}

// The database's length limits, in characters: the facts and
// circumstances, the explanation of the ground, and the other free texts
// (grounds, "other" descriptions).
const (
	MaxFacts       = 5000
	MaxExplanation = 2000
	MaxText        = 500
)

// VisibilityOther and MonetaryOther are the values that need a free-text
// explanation beside them.
const (
	VisibilityOther  = "DECISION_VISIBILITY_OTHER"
	MonetaryOther    = "DECISION_MONETARY_OTHER"
	ContentTypeOther = "CONTENT_TYPE_OTHER"
	KeywordOther     = "KEYWORD_OTHER"
)

// Monetary returns the decision_monetary values.
func Monetary() []string {
	return []string{"DECISION_MONETARY_SUSPENSION", "DECISION_MONETARY_TERMINATION", MonetaryOther}
}

// Provision returns the decision_provision values.
func Provision() []string {
	return []string{"DECISION_PROVISION_PARTIAL_SUSPENSION", "DECISION_PROVISION_TOTAL_SUSPENSION",
		"DECISION_PROVISION_PARTIAL_TERMINATION", "DECISION_PROVISION_TOTAL_TERMINATION"}
}

// Account returns the decision_account values.
func Account() []string { return []string{"DECISION_ACCOUNT_SUSPENDED", "DECISION_ACCOUNT_TERMINATED"} }

// AccountTypes returns the account_type values.
func AccountTypes() []string { return []string{"ACCOUNT_TYPE_BUSINESS", "ACCOUNT_TYPE_PRIVATE"} }

// Grounds returns the decision_ground values.
func Grounds() []string {
	return []string{"DECISION_GROUND_ILLEGAL_CONTENT", "DECISION_GROUND_INCOMPATIBLE_CONTENT"}
}

// ContentTypes returns the content_type values.
func ContentTypes() []string {
	return []string{"CONTENT_TYPE_APP", "CONTENT_TYPE_AUDIO", "CONTENT_TYPE_IMAGE", "CONTENT_TYPE_PRODUCT", "CONTENT_TYPE_SYNTHETIC_MEDIA",
		"CONTENT_TYPE_TEXT", "CONTENT_TYPE_VIDEO", ContentTypeOther}
}

// SourceTypes returns the source_type values.
func SourceTypes() []string {
	return []string{"SOURCE_ARTICLE_16", "SOURCE_TRUSTED_FLAGGER", "SOURCE_TYPE_OTHER_NOTIFICATION", "SOURCE_VOLUNTARY"}
}

// AutomatedDecisions returns the automated_decision values.
func AutomatedDecisions() []string {
	return []string{"AUTOMATED_DECISION_FULLY", "AUTOMATED_DECISION_PARTIALLY", "AUTOMATED_DECISION_NOT_AUTOMATED"}
}

// YesNo returns the values of the yes-or-no fields.
func YesNo() []string { return []string{"Yes", "No"} }

// Categories returns the statement categories.
func Categories() []string {
	return []string{"STATEMENT_CATEGORY_ANIMAL_WELFARE", "STATEMENT_CATEGORY_CONSUMER_INFORMATION", "STATEMENT_CATEGORY_CYBER_VIOLENCE",
		"STATEMENT_CATEGORY_CYBER_VIOLENCE_AGAINST_WOMEN", "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS",
		"STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH", "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS",
		"STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS", "STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE",
		"STATEMENT_CATEGORY_OTHER_VIOLATION_TC", "STATEMENT_CATEGORY_PROTECTION_OF_MINORS", "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY",
		"STATEMENT_CATEGORY_SCAMS_AND_FRAUD", "STATEMENT_CATEGORY_SELF_HARM", "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS",
		"STATEMENT_CATEGORY_VIOLENCE"}
}

// Keywords returns the category_specification values.
func Keywords() []string {
	return []string{
		"KEYWORD_ANIMAL_HARM", "KEYWORD_UNLAWFUL_SALE_ANIMALS",
		"KEYWORD_HIDDEN_ADVERTISEMENT", "KEYWORD_INSUFFICIENT_INFORMATION_ON_TRADERS", "KEYWORD_MISLEADING_INFO_CONSUMER_RIGHTS",
		"KEYWORD_MISLEADING_INFO_GOODS_SERVICES", "KEYWORD_NONCOMPLIANCE_PRICING",
		"KEYWORD_CYBER_BULLYING_INTIMIDATION", "KEYWORD_CYBER_HARASSMENT", "KEYWORD_CYBER_INCITEMENT", "KEYWORD_CYBER_STALKING",
		"KEYWORD_NON_CONSENSUAL_IMAGE_SHARING", "KEYWORD_NON_CONSENSUAL_MATERIAL_DEEPFAKE",
		"KEYWORD_BULLYING_AGAINST_GIRLS", "KEYWORD_CYBER_HARASSMENT_AGAINST_WOMEN", "KEYWORD_CYBER_STALKING_AGAINST_WOMEN",
		"KEYWORD_FEMALE_GENDERED_DISINFORMATION", "KEYWORD_INCITEMENT_AGAINST_WOMEN", "KEYWORD_NON_CONSENSUAL_IMAGE_SHARING_AGAINST_WOMEN",
		"KEYWORD_NON_CONSENSUAL_MATERIAL_DEEPFAKE_AGAINST_WOMEN",
		"KEYWORD_BIOMETRIC_DATA_BREACH", "KEYWORD_MISSING_PROCESSING_GROUND", "KEYWORD_RIGHT_TO_BE_FORGOTTEN", "KEYWORD_DATA_FALSIFICATION",
		"KEYWORD_DEFAMATION", "KEYWORD_DISCRIMINATION", "KEYWORD_HATE_SPEECH",
		"KEYWORD_COPYRIGHT_INFRINGEMENT", "KEYWORD_DESIGN_INFRINGEMENT", "KEYWORD_GEOGRAPHIC_INDICATIONS_INFRINGEMENT",
		"KEYWORD_PATENT_INFRINGEMENT", "KEYWORD_TRADE_SECRET_INFRINGEMENT", "KEYWORD_TRADEMARK_INFRINGEMENT",
		"KEYWORD_MISINFORMATION_DISINFORMATION", "KEYWORD_VIOLATION_EU_LAW", "KEYWORD_VIOLATION_NATIONAL_LAW",
		"KEYWORD_ADULT_SEXUAL_MATERIAL",
		"KEYWORD_AGE_SPECIFIC_RESTRICTIONS_MINORS", "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL", "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL_DEEPFAKE",
		"KEYWORD_GROOMING_SEXUAL_ENTICEMENT_MINORS", "KEYWORD_UNSAFE_CHALLENGES",
		"KEYWORD_ILLEGAL_ORGANIZATIONS", "KEYWORD_RISK_ENVIRONMENTAL_DAMAGE", "KEYWORD_RISK_PUBLIC_HEALTH", "KEYWORD_TERRORIST_CONTENT",
		"KEYWORD_INAUTHENTIC_ACCOUNTS", "KEYWORD_INAUTHENTIC_LISTINGS", "KEYWORD_INAUTHENTIC_USER_REVIEWS",
		"KEYWORD_IMPERSONATION_ACCOUNT_HIJACKING", "KEYWORD_PHISHING", "KEYWORD_PYRAMID_SCHEMES",
		"KEYWORD_CONTENT_PROMOTING_EATING_DISORDERS", "KEYWORD_SELF_MUTILATION", "KEYWORD_SUICIDE",
		"KEYWORD_AGE_SPECIFIC_RESTRICTIONS", "KEYWORD_GEOGRAPHICAL_REQUIREMENTS", "KEYWORD_GOODS_SERVICES_NOT_PERMITTED",
		"KEYWORD_LANGUAGE_REQUIREMENTS", "KEYWORD_NUDITY",
		"KEYWORD_PROHIBITED_PRODUCTS", "KEYWORD_UNSAFE_PRODUCTS", "KEYWORD_REGULATED_GOODS_SERVICES", "KEYWORD_DANGEROUS_TOYS",
		"KEYWORD_COORDINATED_HARM", "KEYWORD_GENDER_BASED_VIOLENCE", "KEYWORD_HUMAN_EXPLOITATION", "KEYWORD_HUMAN_TRAFFICKING",
		"KEYWORD_INCITEMENT_VIOLENCE_HATRED", "KEYWORD_TRAFFICKING_WOMEN_GIRLS",
		KeywordOther,
	}
}

// Territories returns the territorial_scope values: the countries of the
// European Economic Area, by ISO 3166-1 alpha-2 code.
func Territories() []string {
	return []string{"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IS", "IT", "LI",
		"LT", "LU", "LV", "MT", "NL", "NO", "PL", "PT", "RO", "SE", "SI", "SK"}
}

// Unknown returns the values of vs that are not in allowed, in order.
func Unknown(allowed, vs []string) []string {
	var out []string
	for _, v := range vs {
		if !slices.Contains(allowed, v) {
			out = append(out, v)
		}
	}
	return out
}

// Category returns the current name of a statement category: the name
// itself, or for a name the 2025 taxonomy retired, the category that took
// its place, so that policies written against the first taxonomy still
// export. ok is false for a name that never was a category.
func Category(name string) (current string, ok bool) {
	if slices.Contains(Categories(), name) {
		return name, true
	}
	switch name {
	case "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE":
		return "STATEMENT_CATEGORY_OTHER_VIOLATION_TC", true
	case "STATEMENT_CATEGORY_UNSAFE_AND_ILLEGAL_PRODUCTS":
		return "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS", true
	case "STATEMENT_CATEGORY_NON_CONSENSUAL_BEHAVIOUR":
		return "STATEMENT_CATEGORY_CYBER_VIOLENCE", true
	case "STATEMENT_CATEGORY_PORNOGRAPHY_OR_SEXUALIZED_CONTENT":
		return "STATEMENT_CATEGORY_OTHER_VIOLATION_TC", true
	}
	return "", false
}
