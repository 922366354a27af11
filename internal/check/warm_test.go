package check_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"

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

// TestWarm builds every marketplace's indexes from the stored listings,
// as serve does at start, so that a new process's first check finds them
// built: each marketplace's with all of its listings.
func TestWarm(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		var logs bytes.Buffer
		d := svc.New(db, slog.New(slog.NewTextHandler(&logs, nil)))
		ctx := t.Context()
		actor := audit.Actor{Type: audit.ActorSystem, ID: "warm"}
		pols, err := check.NewPolicies(d)
		if err != nil {
			t.Fatal(err)
		}
		texts := func(*policy.Policy) (check.TextScanner, error) { return text.New(text.DefaultConfig()) }
		newService := func() *check.Service {
			s := check.New(d, pols, texts, nil)
			s.Holder = cases.New(d, pols, nil)
			return s
		}
		var ids []string
		for i, name := range []string{"Busy", "Empty"} {
			mp, err := tenant.New(d).CreateMarketplace(ctx, actor, name)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, mp.Marketplace.ID)
			if i == 1 {
				break
			}
			first := newService()
			for j := range 7 {
				data := fmt.Sprintf(`{"listing_id":"l-%d","account_id":"seller-%d","title":"Oak dining table %d","description":"Solid oak, seats six.",
					"price":{"amount":%d,"currency":"EUR"},"category":"furniture"}`, j, j%3, j, 20000+j*100)
				if _, err := first.Listing(ctx, mp.Marketplace.ID, actor, []byte(data), ""); err != nil {
					t.Fatal(err)
				}
			}
		}
		logs.Reset()
		if err := newService().Warm(ctx); err != nil {
			t.Fatal(err)
		}
		for id, want := range map[string]int{ids[0]: 7, ids[1]: 0} {
			line := fmt.Sprintf(`msg="check indexes built" marketplace=%s listings=%d`, id, want)
			if !strings.Contains(logs.String(), line) {
				t.Errorf("no %q in the log:\n%s", line, logs.String())
			}
		}
		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		if err := newService().Warm(cancelled); err == nil {
			t.Error("Warm went on with its context done")
		}
	})
}
