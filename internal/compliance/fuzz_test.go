package compliance_test

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/vigil-ts/vigil/internal/compliance"
)

// fuzzRecord is a statement of reasons the Transparency Database accepts.
func fuzzRecord() map[string]any {
	return map[string]any{
		"decision_provision": "DECISION_PROVISION_PARTIAL_SUSPENSION", "decision_ground": "DECISION_GROUND_INCOMPATIBLE_CONTENT",
		"incompatible_content_ground": "§4.1 Counterfeits", "incompatible_content_explanation": "Fake bags.",
		"content_type": []any{"CONTENT_TYPE_OTHER"}, "content_type_other": "marketplace account", "category": "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
		"content_date": "2026-12-01", "application_date": "2026-12-02", "decision_facts": "Fake bags.", "source_type": "SOURCE_VOLUNTARY",
		"automated_detection": "No", "automated_decision": "AUTOMATED_DECISION_NOT_AUTOMATED", "puid": "0193a2b4-5c6d-7e8f-9a0b-1c2d3e4f5a6b",
		"account_type": "ACCOUNT_TYPE_PRIVATE", "territorial_scope": []any{"DE", "FR"}, "category_specification": []any{"KEYWORD_TRADEMARK_INFRINGEMENT"},
	}
}

// dsaFields are the record's fields, and "decision" for the rule that
// needs one of the four decision fields.
var dsaFields = []string{"decision", "decision_visibility", "decision_visibility_other", "decision_monetary", "decision_monetary_other",
	"decision_provision", "decision_account", "account_type", "decision_ground", "illegal_content_legal_ground",
	"illegal_content_explanation", "incompatible_content_ground", "incompatible_content_explanation", "incompatible_content_illegal",
	"content_type", "content_type_other", "category", "category_specification", "category_specification_other", "territorial_scope",
	"content_date", "application_date", "end_date_visibility_restriction", "end_date_monetary_restriction", "end_date_service_restriction",
	"end_date_account_restriction", "decision_facts", "source_type", "automated_detection", "automated_decision", "puid"}

// requiredFields are the fields every record needs whatever its values.
var requiredFields = []string{"decision_ground", "content_type", "category", "territorial_scope", "content_date", "application_date",
	"decision_facts", "source_type", "automated_detection", "automated_decision", "puid"}

// FuzzValidateDSA runs ValidateDSA on any JSON object, alone and merged
// over a valid record. It never panics; it returns the same sorted
// problems every time, each naming a field of the record; fields it does
// not know change nothing, nor does a list of strings given as []string
// instead of []any; and a record it accepts is still accepted after a
// JSON round trip (the export) and rejected, naming the field, without
// any one of its required fields.
func FuzzValidateDSA(f *testing.F) {
	good, _ := json.Marshal(fuzzRecord())
	for _, s := range []string{
		string(good), `{}`, `null`, `{"puid":1,"content_type":"CONTENT_TYPE_TEXT","decision_visibility":[1,null,"x"],"territorial_scope":{}}`,
		`{"decision_ground":"DECISION_GROUND_ILLEGAL_CONTENT","illegal_content_legal_ground":" ","decision_visibility":["DECISION_VISIBILITY_OTHER"]}`,
		`{"decision_monetary":"DECISION_MONETARY_OTHER","content_type":[],"category":"STATEMENT_CATEGORY_","content_date":"2026-02-30"}`,
		`{"puid":"a\n","application_date":"2026-12-02T00:00:00Z","category_specification":["KEYWORD_OTHER"],"x":{"y":[]}}`,
	} {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, data []byte, merge bool) {
		var r map[string]any
		if json.Unmarshal(data, &r) != nil {
			return
		}
		if r == nil { // JSON null
			compliance.ValidateDSA(nil)
			r = map[string]any{}
		}
		if merge {
			base := fuzzRecord()
			maps.Copy(base, r)
			r = base
		}
		ps := compliance.ValidateDSA(r)
		if !slices.IsSorted(ps) || !slices.Equal(ps, compliance.ValidateDSA(r)) {
			t.Fatalf("ValidateDSA(%v) = %v: not sorted or not repeatable", r, ps)
		}
		for _, p := range ps {
			field, msg, ok := strings.Cut(p, ": ")
			if !ok || msg == "" || !slices.Contains(dsaFields, field) {
				t.Fatalf("ValidateDSA(%v): problem %q names no field", r, p)
			}
		}
		extra := maps.Clone(r)
		extra["x_vigil_note"] = []any{1, "two"}
		if got := compliance.ValidateDSA(extra); !slices.Equal(got, ps) {
			t.Fatalf("an unknown field changed the problems of %v: %v, then %v", r, ps, got)
		}
		if typed := stringLists(r); !slices.Equal(compliance.ValidateDSA(typed), ps) {
			t.Fatalf("ValidateDSA(%v) = %v, but with []string lists %v", r, ps, compliance.ValidateDSA(typed))
		}
		if len(ps) > 0 {
			return
		}
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatalf("accepted record %v does not encode: %v", r, err)
		}
		var back map[string]any
		if err := json.Unmarshal(b, &back); err != nil || len(compliance.ValidateDSA(back)) > 0 {
			t.Fatalf("accepted %v, but not %s: %v", r, b, compliance.ValidateDSA(back))
		}
		for _, field := range requiredFields {
			without := maps.Clone(r)
			delete(without, field)
			if !slices.ContainsFunc(compliance.ValidateDSA(without), func(p string) bool { return strings.HasPrefix(p, field+": ") }) {
				t.Fatalf("accepted %v without %s", without, field)
			}
		}
	})
}

// stringLists returns r with every list of only strings as a []string.
func stringLists(r map[string]any) map[string]any {
	out := maps.Clone(r)
	for k, v := range out {
		l, ok := v.([]any)
		if !ok {
			continue
		}
		ss := make([]string, 0, len(l))
		for _, e := range l {
			if s, ok := e.(string); ok {
				ss = append(ss, s)
			}
		}
		if len(ss) == len(l) {
			out[k] = ss
		}
	}
	return out
}
