// Package compliance owns what Vigil gives regulators and the public
// (SPEC §8): the statements of reasons in the EU DSA Transparency
// Database's submission format, checked against that database's field
// rules before they leave; the transparency report; the audit export;
// and the feedback loop (R-C6): decisions with their human outcomes as
// labelled data, and each rule's and detector's precision.
package compliance

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vigil-ts/vigil/internal/dsa"
)

// The Transparency Database's field rules that are not enumerations.
var (
	puidPattern = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,500}$`)
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
			out = make([]string, 0, len(x)) // empty, as an empty []string is: present
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

	vis := list("decision_visibility", dsa.Visibility())
	mon := one("decision_monetary", dsa.Monetary(), false)
	prov := one("decision_provision", dsa.Provision(), false)
	acc := one("decision_account", dsa.Account(), false)
	if len(vis) == 0 && mon == "" && prov == "" && acc == "" {
		bad("decision", "at least one of decision_visibility, decision_monetary, decision_provision, decision_account is required")
	}
	if slices.Contains(vis, dsa.VisibilityOther) {
		text("decision_visibility_other", dsa.MaxText, true)
	}
	if mon == dsa.MonetaryOther {
		text("decision_monetary_other", dsa.MaxText, true)
	}
	one("account_type", dsa.AccountTypes(), false)
	switch one("decision_ground", dsa.Grounds(), true) {
	case "DECISION_GROUND_ILLEGAL_CONTENT":
		text("illegal_content_legal_ground", dsa.MaxText, true)
		text("illegal_content_explanation", dsa.MaxExplanation, true)
	case "DECISION_GROUND_INCOMPATIBLE_CONTENT":
		text("incompatible_content_ground", dsa.MaxText, true)
		text("incompatible_content_explanation", dsa.MaxExplanation, true)
		one("incompatible_content_illegal", dsa.YesNo(), false)
	}
	if ct := list("content_type", dsa.ContentTypes()); ct == nil {
		bad("content_type", "is required")
	} else if slices.Contains(ct, dsa.ContentTypeOther) {
		text("content_type_other", dsa.MaxText, true)
	}
	one("category", dsa.Categories(), true)
	list("category_specification", dsa.Keywords())
	text("category_specification_other", dsa.MaxText, false)
	if ts := list("territorial_scope", dsa.Territories()); ts == nil {
		bad("territorial_scope", "is required")
	}
	date("content_date", true)
	date("application_date", true)
	for _, f := range []string{"end_date_visibility_restriction", "end_date_monetary_restriction", "end_date_service_restriction", "end_date_account_restriction"} {
		date(f, false)
	}
	text("decision_facts", dsa.MaxFacts, true)
	one("source_type", dsa.SourceTypes(), true)
	one("automated_detection", dsa.YesNo(), true)
	one("automated_decision", dsa.AutomatedDecisions(), true)
	if p, ok := str("puid"); !ok || !puidPattern.MatchString(p) {
		bad("puid", "is required: 1 to 500 letters, digits, - or _")
	}
	sort.Strings(ps)
	return ps
}
