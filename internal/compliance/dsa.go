// Package compliance owns what Vigil gives regulators and the public
// (SPEC §8): the statements of reasons in the EU DSA Transparency
// Database's submission format, checked against that database's field
// rules before they leave.
package compliance

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// The Transparency Database's enumerations used by its submission API.
var (
	decisionVisibility = []string{"DECISION_VISIBILITY_CONTENT_REMOVED", "DECISION_VISIBILITY_CONTENT_DISABLED", "DECISION_VISIBILITY_CONTENT_DEMOTED",
		"DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED", "DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED", "DECISION_VISIBILITY_CONTENT_LABELLED",
		"DECISION_VISIBILITY_OTHER"}
	decisionMonetary  = []string{"DECISION_MONETARY_SUSPENSION", "DECISION_MONETARY_TERMINATION", "DECISION_MONETARY_OTHER"}
	decisionProvision = []string{"DECISION_PROVISION_PARTIAL_SUSPENSION", "DECISION_PROVISION_TOTAL_SUSPENSION",
		"DECISION_PROVISION_PARTIAL_TERMINATION", "DECISION_PROVISION_TOTAL_TERMINATION"}
	decisionAccount = []string{"DECISION_ACCOUNT_SUSPENDED", "DECISION_ACCOUNT_TERMINATED"}
	accountTypes    = []string{"ACCOUNT_TYPE_BUSINESS", "ACCOUNT_TYPE_PRIVATE"}
	decisionGrounds = []string{"DECISION_GROUND_ILLEGAL_CONTENT", "DECISION_GROUND_INCOMPATIBLE_CONTENT"}
	contentTypes    = []string{"CONTENT_TYPE_APP", "CONTENT_TYPE_AUDIO", "CONTENT_TYPE_IMAGE", "CONTENT_TYPE_PRODUCT", "CONTENT_TYPE_SYNTHETIC_MEDIA",
		"CONTENT_TYPE_TEXT", "CONTENT_TYPE_VIDEO", "CONTENT_TYPE_OTHER"}
	sourceTypes         = []string{"SOURCE_ARTICLE_16", "SOURCE_TRUSTED_FLAGGER", "SOURCE_TYPE_OTHER_NOTIFICATION", "SOURCE_VOLUNTARY"}
	automatedDecisions  = []string{"AUTOMATED_DECISION_FULLY", "AUTOMATED_DECISION_PARTIALLY", "AUTOMATED_DECISION_NOT_AUTOMATED"}
	yesNo               = []string{"Yes", "No"}
	puidPattern         = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,500}$`)
	categoryPrefix      = "STATEMENT_CATEGORY_"
	maxFacts, maxGround = 5000, 500
	maxExplanation      = 2000
)

// ValidateDSA checks a record against the Transparency Database's field
// rules: required fields, enumerations, lengths, the puid's pattern,
// dates, and the fields one value makes required. It returns the
// problems, none for a record the database accepts.
func ValidateDSA(r map[string]any) []string {
	var ps []string
	bad := func(field, format string, args ...any) { ps = append(ps, field+": "+fmt.Sprintf(format, args...)) }
	str := func(field string) (string, bool) {
		v, ok := r[field]
		if !ok {
			return "", false
		}
		s, isStr := v.(string)
		if !isStr {
			bad(field, "must be a string")
		}
		return s, isStr
	}
	one := func(field string, allowed []string, required bool) string {
		s, ok := str(field)
		switch {
		case !ok && required:
			bad(field, "is required")
		case ok && !slices.Contains(allowed, s):
			bad(field, "%q is not one of %s", s, strings.Join(allowed, ", "))
		}
		return s
	}
	text := func(field string, max int, required bool) {
		s, ok := str(field)
		switch {
		case (!ok || strings.TrimSpace(s) == "") && required:
			bad(field, "is required")
		case ok && utf8.RuneCountInString(s) > max:
			bad(field, "is longer than %d characters", max)
		}
	}
	date := func(field string, required bool) {
		s, ok := str(field)
		if !ok {
			if required {
				bad(field, "is required")
			}
			return
		}
		if _, err := time.Parse("2006-01-02", s); err != nil {
			bad(field, "%q is not a date YYYY-MM-DD", s)
		}
	}
	list := func(field string, allowed []string) []string {
		v, ok := r[field]
		if !ok {
			return nil
		}
		var out []string
		switch x := v.(type) {
		case []string:
			out = x
		case []any:
			for _, e := range x {
				s, _ := e.(string)
				out = append(out, s)
			}
		default:
			bad(field, "must be a list")
			return nil
		}
		if len(out) == 0 {
			bad(field, "must not be empty")
		}
		for _, s := range out {
			if !slices.Contains(allowed, s) {
				bad(field, "%q is not one of %s", s, strings.Join(allowed, ", "))
			}
		}
		return out
	}

	vis := list("decision_visibility", decisionVisibility)
	mon := one("decision_monetary", decisionMonetary, false)
	prov := one("decision_provision", decisionProvision, false)
	acc := one("decision_account", decisionAccount, false)
	if len(vis) == 0 && mon == "" && prov == "" && acc == "" {
		bad("decision", "at least one of decision_visibility, decision_monetary, decision_provision, decision_account is required")
	}
	if slices.Contains(vis, "DECISION_VISIBILITY_OTHER") {
		text("decision_visibility_other", maxGround, true)
	}
	if mon == "DECISION_MONETARY_OTHER" {
		text("decision_monetary_other", maxGround, true)
	}
	one("account_type", accountTypes, false)
	switch one("decision_ground", decisionGrounds, true) {
	case "DECISION_GROUND_ILLEGAL_CONTENT":
		text("illegal_content_legal_ground", maxGround, true)
		text("illegal_content_explanation", maxExplanation, true)
	case "DECISION_GROUND_INCOMPATIBLE_CONTENT":
		text("incompatible_content_ground", maxGround, true)
		text("incompatible_content_explanation", maxExplanation, true)
		one("incompatible_content_illegal", yesNo, false)
	}
	if ct := list("content_type", contentTypes); ct == nil {
		bad("content_type", "is required")
	} else if slices.Contains(ct, "CONTENT_TYPE_OTHER") {
		text("content_type_other", maxGround, true)
	}
	if c, ok := str("category"); !ok {
		bad("category", "is required")
	} else if !strings.HasPrefix(c, categoryPrefix) || strings.Trim(strings.TrimPrefix(c, categoryPrefix), "ABCDEFGHIJKLMNOPQRSTUVWXYZ_") != "" {
		bad("category", "%q is not a statement category", c)
	}
	date("content_date", true)
	date("application_date", true)
	for _, f := range []string{"end_date_visibility_restriction", "end_date_monetary_restriction", "end_date_service_restriction", "end_date_account_restriction"} {
		date(f, false)
	}
	text("decision_facts", maxFacts, true)
	one("source_type", sourceTypes, true)
	one("automated_detection", yesNo, true)
	one("automated_decision", automatedDecisions, true)
	if p, ok := str("puid"); !ok || !puidPattern.MatchString(p) {
		bad("puid", "is required: 1 to 500 letters, digits, - or _")
	}
	sort.Strings(ps)
	return ps
}
