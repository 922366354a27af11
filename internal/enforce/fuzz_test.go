package enforce_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/vigil-ts/vigil/internal/compliance"
	"github.com/vigil-ts/vigil/internal/enforce"
	"github.com/vigil-ts/vigil/internal/policy"
	"github.com/vigil-ts/vigil/internal/store"
)

// FuzzStatementDSA composes the statement of reasons of every restriction
// (the restricting tiers and each sanction) from a fuzzed policy ground
// and decision, and checks that whenever the policy compiles and the
// service accepts the decision, the statement's DSA record — exported as
// JSON — passes the Transparency Database's field rules.
func FuzzStatementDSA(f *testing.F) {
	long := strings.Repeat("Sold counterfeit bags again after two warnings. ", 60) // about 2,900 characters
	f.Add("Fake Rolex watches at a tenth of the price.", "§4.1 Counterfeits", "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS", false, "", uint8(0), uint8(0), true, false, int64(0))
	f.Add("Repeated scam messages asking for deposits.", "§3 Fraud", "STATEMENT_CATEGORY_SCAMS_AND_FRAUD", true, "§263 StGB (Betrug)", uint8(1), uint8(2), false, true, int64(30))
	f.Add("  Reported by a trusted flagger.  ", "§9", "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE", false, "", uint8(3), uint8(1), true, true, int64(-3))
	f.Add(long, "§4.1 Counterfeits", "STATEMENT_CATEGORY_SCAMS_AND_FRAUD", false, "", uint8(4), uint8(0), true, false, int64(7))
	f.Add("x", strings.Repeat("§", 600), "STATEMENT_CATEGORY_SCAMS_AND_FRAUD", true, strings.Repeat("Art. 1 ", 90), uint8(2), uint8(3), false, false, int64(1))
	f.Fuzz(func(t *testing.T, reason, clause, category string, illegal bool, legalGround string, restriction, source uint8, human, business bool, days int64) {
		if len(reason)+len(clause)+len(category)+len(legalGround) > 12000 {
			return
		}
		ground := map[string]any{"clause": clause, "category": category, "illegal": illegal, "legal_ground": legalGround}
		doc, err := yaml.Marshal(map[string]any{"enforcement": map[string]any{"grounds": map[string]any{"fuzz": ground}}})
		if err != nil {
			return
		}
		parsed, err := policy.Parse(doc)
		if err != nil {
			return
		}
		c, err := policy.Compile(parsed)
		if err != nil {
			return // the policy refuses the ground
		}
		pol := c.Policy("")
		now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
		tiers := []string{enforce.Restricted, enforce.Suspended, enforce.Blocked}
		kinds := append(tiers, policy.SanctionKinds()...)
		kind := kinds[int(restriction)%len(kinds)]
		tier, row := "", (*store.SanctionRow)(nil)
		if int(restriction)%len(kinds) < len(tiers) {
			tier = kind
		} else {
			row = &store.SanctionRow{Kind: kind, ImposedAt: now, ExpiresAt: now.Add(time.Duration(days%3650) * 24 * time.Hour)}
			if days <= 0 || kind == enforce.PermanentBan {
				row.ExpiresAt = time.Time{}
			}
		}
		sources := enforce.Sources()
		d := enforce.Decision{Reason: reason, Ground: "fuzz", Source: sources[int(source)%len(sources)],
			Notifier: []string{"", "user", "trusted_flagger", "internal"}[int(source)%4]}
		st, err := enforce.StatementOf(pol, d, human, business, tier, row, now)
		if err != nil {
			return // the service refuses the decision
		}
		b, err := json.Marshal(st)
		if err != nil {
			t.Fatalf("statement %+v does not encode: %v", st, err)
		}
		var exported struct {
			DSA map[string]any `json:"dsa"`
		}
		if err := json.Unmarshal(b, &exported); err != nil {
			t.Fatal(err)
		}
		if ps := compliance.ValidateDSA(exported.DSA); len(ps) > 0 {
			t.Fatalf("%s for a decision the service accepts (reason of %d characters, ground %+v): the DSA record is invalid:\n%s",
				kind, len([]rune(st.Facts)), ground, strings.Join(ps, "\n"))
		}
	})
}
