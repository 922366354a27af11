package check_test

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/cases"
	"github.com/vigil-ts/vigil/internal/check"
	"github.com/vigil-ts/vigil/internal/detect/text"
	"github.com/vigil-ts/vigil/internal/policy"
	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/store/storetest"
	"github.com/vigil-ts/vigil/internal/svc"
	"github.com/vigil-ts/vigil/internal/tenant"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func TestMain(m *testing.M) { storetest.Main(m) }

// TestListingExplanationGolden pins the explanation a moderator and a
// marketplace see for one decision: findings with evidence, the reasons
// with the clauses cited, the fields to change and the rule hits. A change
// to it is a change to what people read; review the diff, then rerun with
// -update.
func TestListingExplanationGolden(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	d := svc.New(db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	now := time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC)
	n := 0
	d.Now = func() time.Time { return now }
	d.NewID = func() string { n++; return fmt.Sprintf("id-%03d", n) }
	ctx := t.Context()
	actor := audit.Actor{Type: audit.ActorSystem, ID: "golden"}
	mp, err := tenant.New(d).CreateMarketplace(ctx, actor, "Golden")
	if err != nil {
		t.Fatal(err)
	}
	pols, err := check.NewPolicies(d)
	if err != nil {
		t.Fatal(err)
	}
	doc := "rules:\n  - name: cheap_phone\n    check: listing\n    expr: listing.category == 'phones' && listing.price < 20000\n    outcome: pending_review\n    severity: medium\n    clause: \"§3.4 Implausible prices\"\n    shadow: true\n"
	if _, err := pols.Save(ctx, actor, mp.Marketplace.ID, doc, 0); err != nil {
		t.Fatal(err)
	}
	texts := func(*policy.Policy) (check.TextScanner, error) { return text.New(text.DefaultConfig()) }
	s := check.New(d, pols, texts, nil)
	s.Holder = cases.New(d, pols, nil)
	data := []byte(`{"listing_id":"l-1","account_id":"seller-1","title":"iPhone 15 Pro 256GB",
		"description":"Like new. Pay by Western Union only, WhatsApp me: null eins fünf eins 2345 6789 or mail j.doe (at) gmx (dot) de",
		"price":{"amount":15000,"currency":"EUR"},"category":"phones"}`)
	res, err := s.Listing(ctx, mp.Marketplace.ID, actor, data, "")
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	const golden = "testdata/listing_explanation.golden.json"
	if *update {
		if err := os.WriteFile(golden, append(got, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if string(want) != string(got)+"\n" {
		t.Fatalf("explanation changed; review and rerun with -update if intended.\n--- got\n%s\n--- want\n%s", got, want)
	}
}
