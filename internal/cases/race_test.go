package cases_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/vigil-ts/vigil/internal/cases"
	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/store/storetest"
	"github.com/vigil-ts/vigil/internal/user"
)

// atOnce runs fn(0…n-1), each on its own goroutine, released together.
func atOnce(n int, fn func(i int)) {
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			fn(i)
		})
	}
	close(start)
	wg.Wait()
}

// online creates moderators seen in the console just now.
func (e *env) online(t *testing.T, prefix string, n int, role user.Role) []cases.Moderator {
	t.Helper()
	var out []cases.Moderator
	for i := range n {
		m := e.moderator(t, fmt.Sprintf("%s%d", prefix, i), role)
		if err := e.db.InTx(t.Context(), func(tx *store.Tx) error { return tx.TouchUser(t.Context(), m.User.ID, e.d.Now()) }); err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

// steps counts a case's history entries of a kind.
func steps(v cases.View, kind string) int {
	n := 0
	for _, s := range v.History {
		if s.Kind == kind {
			n++
		}
	}
	return n
}

// TestConcurrentReportsOnOneTarget files reports on one target at once
// (on PostgreSQL in parallel transactions, as several serve processes
// do): they join one case, which counts every one of them — a report that
// read the case before another committed must not overwrite its count.
func TestConcurrentReportsOnOneTarget(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		const n = 12
		filed, errs := make([]cases.Filed, n), make([]error, n)
		atOnce(n, func(i int) {
			filed[i], errs[i] = e.cs.File(t.Context(), e.mp, system, report("listing", "hot", "scam_or_fraud", fmt.Sprintf("r%d", i), "user"), "")
		})
		for i, err := range errs {
			if err != nil {
				t.Fatalf("report %d: %v", i, err)
			}
			if filed[i].CaseID != filed[0].CaseID {
				t.Fatalf("reports on one target went to cases %s and %s", filed[0].CaseID, filed[i].CaseID)
			}
		}
		v := e.view(t, filed[0].CaseID)
		if v.ReportCount != n || len(v.Reports) != n || steps(v, "report_added") != n {
			t.Errorf("the case counts %d reporters, holds %d reports and %d report_added steps; %d were filed", v.ReportCount, len(v.Reports),
				steps(v, "report_added"), n)
		}
	})
}

// TestConcurrentAutoAssign has moderators auto-assign one case at once:
// it goes to one moderator, and the others are refused rather than
// moving it on. A case someone holds is not auto-assigned at all; a
// senior takes it over by naming the assignee.
func TestConcurrentAutoAssign(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		mods := append(e.online(t, "agent", 3, user.Agent), e.online(t, "senior", 3, user.SeniorModerator)...)
		for k := range 3 {
			f := e.file(t, report("listing", fmt.Sprintf("l%d", k), "scam_or_fraud", "r", "user"), "")
			views, errs := make([]cases.View, len(mods)), make([]error, len(mods))
			atOnce(len(mods), func(i int) {
				views[i], errs[i] = e.act(t, mods[i], f.CaseID, cases.ActionRequest{Action: cases.ActAssign, Assignee: "auto"})
			})
			var given []string
			for i, err := range errs {
				switch {
				case err == nil:
					given = append(given, views[i].Assignee)
				case !errors.Is(err, cases.ErrForbidden):
					t.Fatalf("auto-assign by %s: %v", mods[i].User.Username, err)
				}
			}
			v := e.view(t, f.CaseID)
			if len(given) != 1 || v.Assignee != given[0] || steps(v, "assign") != 1 {
				t.Fatalf("case %d: %d of %d auto-assignments succeeded (to %v); held by %s with %d assignments", k, len(given), len(mods), given,
					v.Assignee, steps(v, "assign"))
			}
			// Not even its holder may auto-assign a held case: that would
			// move it as surely.
			holder := mods[0]
			for _, m := range mods {
				if m.User.ID == v.Assignee {
					holder = m
				}
			}
			if _, err := e.act(t, holder, f.CaseID, cases.ActionRequest{Action: cases.ActAssign, Assignee: "auto"}); !errors.Is(err, cases.ErrForbidden) {
				t.Fatalf("auto-assigning a held case by its holder: %v, want ErrForbidden", err)
			}
			other := mods[3]
			if other.User.ID == v.Assignee {
				other = mods[4]
			}
			if w, err := e.act(t, mods[5], f.CaseID, cases.ActionRequest{Action: cases.ActAssign, Assignee: other.User.ID}); err != nil || w.Assignee != other.User.ID {
				t.Fatalf("a senior naming the assignee of a held case: %+v %v", w.Item, err)
			}
		}
	})
}

// TestConcurrentNext has moderators, seniors among them, take the next
// case at once, some twice: each case goes to one of them, once.
func TestConcurrentNext(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		mods := append(e.online(t, "agent", 4, user.Agent), e.online(t, "senior", 4, user.SeniorModerator)...)
		const open = 5
		for k := range open {
			e.file(t, report("listing", fmt.Sprintf("l%d", k), "scam_or_fraud", "r", "user"), "")
		}
		calls := 2 * len(mods)
		views, errs := make([]cases.View, calls), make([]error, calls)
		atOnce(calls, func(i int) { views[i], errs[i] = e.cs.Next(t.Context(), e.mp, mods[i%len(mods)]) })
		handed := map[string][]string{}
		for i, err := range errs {
			switch {
			case err == nil:
				handed[views[i].ID] = append(handed[views[i].ID], mods[i%len(mods)].User.Username)
			case !errors.Is(err, store.ErrNotFound):
				t.Fatalf("next: %v", err)
			}
		}
		if len(handed) != open {
			t.Errorf("next handed out %d of %d cases: %v", len(handed), open, handed)
		}
		for id, who := range handed {
			if v := e.view(t, id); len(who) != 1 || steps(v, "claim") != 1 {
				t.Errorf("case %s handed to %v, with %d claims in its history; want one moderator", id, who, steps(v, "claim"))
			}
		}
	})
}
