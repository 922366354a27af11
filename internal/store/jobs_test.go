package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/store/storetest"
)

// testJob is a job whose argument names the use case that queued it.
type testJob struct{ Key string }

func (testJob) Kind() string { return "test" }

// recordingBatcher inserts each job as a row of queued_jobs in the
// transaction it is given, as River does, and counts its calls.
type recordingBatcher struct {
	mu    sync.Mutex
	calls int
	fail  string // a key whose insert fails
}

func (b *recordingBatcher) InsertManyTx(ctx context.Context, tx *sql.Tx, params []river.InsertManyParams) ([]*rivertype.JobInsertResult, error) {
	b.mu.Lock()
	b.calls++
	b.mu.Unlock()
	for _, p := range params {
		k := p.Args.(testJob).Key
		if k == b.fail {
			return nil, errors.New("queue refused " + k)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO queued_jobs (k) VALUES ($1)`, k); err != nil {
			return nil, err
		}
	}
	return nil, nil
}

// TestQueueJob: jobs queued in a use case are inserted in its transaction
// just before the commit, once each, many in one call where use cases
// share a commit; a use case that fails queues nothing; and a failed
// insert fails the use cases whose commit it was part of, keeping none of
// their writes.
func TestQueueJob(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		if _, err := db.W.ExecContext(ctx, `CREATE TABLE queued_jobs (k TEXT PRIMARY KEY)`); err != nil {
			t.Fatal(err)
		}
		b := &recordingBatcher{}
		const writers = 60
		var wg sync.WaitGroup
		errs := make([]error, writers)
		for i := range writers {
			wg.Go(func() {
				errs[i] = db.InTx(ctx, func(tx *store.Tx) error {
					k := fmt.Sprint("k", i)
					tx.QueueJob(b, testJob{k}, nil)
					tx.QueueJob(b, testJob{k + "-second"}, nil)
					if i%5 == 0 {
						return errors.New("use case failed")
					}
					return nil
				})
			})
		}
		wg.Wait()
		var want []string
		for i, err := range errs {
			if (err != nil) != (i%5 == 0) {
				t.Fatalf("use case %d: %v", i, err)
			}
			if err == nil {
				want = append(want, fmt.Sprint("k", i), fmt.Sprint("k", i, "-second"))
			}
		}
		got := queued(t, db)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Fatalf("jobs inserted %v, want %v", got, want)
		}
		if b.calls == 0 || b.calls > writers-writers/5 {
			t.Fatalf("%d insert calls for %d successful use cases", b.calls, writers-writers/5)
		}
		t.Logf("%d jobs in %d calls", len(got), b.calls)

		b.fail = "bad"
		err := db.InTx(ctx, func(tx *store.Tx) error {
			if _, err := tx.Tx.ExecContext(tx.Detach(ctx), `INSERT INTO queued_jobs (k) VALUES ('written-before')`); err != nil {
				return err
			}
			tx.QueueJob(b, testJob{"bad"}, nil)
			return nil
		})
		if err == nil || !slices.Equal(queued(t, db), want) {
			t.Fatalf("a failed job insert: %v, jobs %v", err, queued(t, db))
		}
	})
}

func queued(t *testing.T, db *store.DB) []string {
	t.Helper()
	rows, err := db.W.QueryContext(t.Context(), `SELECT k FROM queued_jobs`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			t.Fatal(err)
		}
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// mergeJob is a job that takes in others of its kind, up to three keys.
type mergeJob struct{ Keys []string }

func (mergeJob) Kind() string { return "merge" }

func (j mergeJob) Merge(other river.JobArgs) (river.JobArgs, bool) {
	o, ok := other.(mergeJob)
	if !ok || len(j.Keys)+len(o.Keys) > 3 {
		return j, false
	}
	return mergeJob{Keys: append(slices.Clone(j.Keys), o.Keys...)}, true
}

// paramsBatcher keeps the jobs it is asked to insert.
type paramsBatcher struct{ got []river.InsertManyParams }

func (b *paramsBatcher) InsertManyTx(_ context.Context, _ *sql.Tx, params []river.InsertManyParams) ([]*rivertype.JobInsertResult, error) {
	b.got = append(b.got, params...)
	return nil, nil
}

// TestMergedJobs: jobs that can merge are inserted as few jobs, each
// within its own limit; others, and those queued with their own insert
// options, are inserted as queued.
func TestMergedJobs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := &paramsBatcher{}
		if err := db.InTx(t.Context(), func(tx *store.Tx) error {
			for _, k := range []string{"a", "b", "c", "d"} {
				tx.QueueJob(b, mergeJob{Keys: []string{k}}, nil)
			}
			tx.QueueJob(b, testJob{"plain"}, nil)
			tx.QueueJob(b, mergeJob{Keys: []string{"own-options"}}, &river.InsertOpts{Priority: 2})
			tx.QueueJob(b, mergeJob{Keys: []string{"e"}}, nil)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, p := range b.got {
			got = append(got, fmt.Sprint(p.Args))
		}
		if want := "[{[a b c]} {[d e]} {plain} {[own-options]}]"; fmt.Sprint(got) != want {
			t.Fatalf("inserted %v, want %s", got, want)
		}
	})
}
