package compliance_test

import (
	"strings"
	"testing"
	"time"

	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/compliance"
	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/store/storetest"
	"github.com/vigil-ts/vigil/internal/svc/svctest"
)

// TestAuditLogPeriod exports the entries of a period from the middle of
// a chain: exactly those, and they verify on their own, anchored to the
// entry before.
func TestAuditLogPeriod(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := svctest.New(t, db)
		ctx := t.Context()
		t0 := e.Now().Add(24 * time.Hour)
		for i := range 10 {
			if err := db.InTx(ctx, func(tx *store.Tx) error {
				return tx.Audit(ctx, e.MP, svctest.System, "test.step", "test", "x", map[string]int{"i": i}, t0.Add(time.Duration(i)*time.Hour))
			}); err != nil {
				t.Fatal(err)
			}
		}
		var b strings.Builder
		n, err := compliance.New(e.Deps, nil).AuditLog(ctx, e.MP, t0.Add(3*time.Hour), t0.Add(7*time.Hour), &b)
		if err != nil || n != 4 {
			t.Fatalf("%d entries (%v), want 4", n, err)
		}
		st, err := audit.VerifyExport(strings.NewReader(b.String()))
		if err != nil {
			t.Fatal(err)
		}
		before, err := db.AuditEntries(ctx, store.AuditQuery{Chain: e.MP, AfterSeq: st.First.Seq - 2, Limit: 1})
		if err != nil || len(before) != 1 || before[0].Hash != st.First.PrevHash {
			t.Fatalf("the anchor: %v %v", before, err)
		}
		if !strings.Contains(st.First.Detail, `"i":3`) || !strings.Contains(st.Last.Detail, `"i":6`) {
			t.Fatalf("stretch from %s to %s", st.First.Detail, st.Last.Detail)
		}
	})
}
