package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
)

// maxGroup bounds how many use cases share one SQLite transaction, so
// that a steady stream of writes still commits regularly.
const maxGroup = 64

// group commits concurrent SQLite write transactions together. SQLite has
// one writer, and with synchronous(FULL) each commit waits for the disk:
// one transaction per use case made the disk the limit. Use cases that
// arrive while a transaction is running join the next one, each inside its
// own savepoint, so one failing use case rolls back only its own changes,
// and the whole group is made durable by one commit. Each use case's
// caller returns only after that commit.
//
// The first caller to find the writer idle leads: it runs its own use case
// and every one queued behind it (up to maxGroup), commits, wakes them, and
// hands the lead to the first use case queued meanwhile.
type group struct {
	w *sql.DB
	// log is the DB's query log switch.
	log *logSwitch
	mu  sync.Mutex
	// busy is set while a leader holds the writer; queue holds the use
	// cases waiting for it, the next leader's first.
	busy  bool
	queue []*write
}

// write is one use case waiting for, or done by, a group transaction.
type write struct {
	ctx context.Context
	fn  func(*Tx) error
	// wake is signalled once: the use case is done (err, panicked and
	// after set) or, with lead set, its caller is to lead the next group.
	wake     chan struct{}
	lead     bool
	err      error
	panicked any
	after    []func()
	// jobs are the use case's queued jobs, once it has succeeded.
	jobs queuedJobs
}

// do runs fn in a group transaction and returns once that has committed
// (or failed).
func (g *group) do(ctx context.Context, fn func(*Tx) error) error {
	w := &write{ctx: ctx, fn: fn, wake: make(chan struct{}, 1)}
	g.mu.Lock()
	g.queue = append(g.queue, w)
	waiting := g.busy
	g.busy = true
	g.mu.Unlock()
	if waiting {
		<-w.wake
	}
	if !waiting || w.lead {
		g.lead()
	}
	if w.panicked != nil {
		panic(w.panicked)
	}
	if w.err != nil {
		return w.err
	}
	for _, f := range w.after {
		f()
	}
	return nil
}

// lead runs one group transaction with the queued use cases, then wakes
// them and passes the lead on (or leaves the writer idle).
func (g *group) lead() {
	var batch []*write
	// take moves queued use cases into the batch; it reports whether any
	// came.
	take := func() bool {
		g.mu.Lock()
		defer g.mu.Unlock()
		n := min(len(g.queue), maxGroup-len(batch))
		batch = append(batch, g.queue[:n]...)
		g.queue = g.queue[n:]
		return n > 0
	}
	take()
	g.commit(&batch, take)
	g.mu.Lock()
	var next *write
	if len(g.queue) > 0 {
		next = g.queue[0]
		next.lead = true
	} else {
		g.busy = false
	}
	g.mu.Unlock()
	for _, w := range batch {
		w.wake <- struct{}{}
	}
	if next != nil {
		next.wake <- struct{}{}
	}
}

// commit runs the batch's use cases, and those take adds while it runs, in
// one transaction, and commits it. Every use case ends with its err set if
// it failed, or if the transaction did.
func (g *group) commit(batch *[]*write, take func() bool) {
	fail := func(ws []*write, err error) {
		for _, w := range ws {
			if w.err == nil && w.panicked == nil {
				w.err = err
			}
			w.after = nil
		}
	}
	// The transaction outlives any one caller's context: a caller that
	// goes away must not roll back the others' work.
	tx, err := g.w.BeginTx(context.Background(), nil)
	if err != nil {
		fail(*batch, fmt.Errorf("begin: %w", err))
		return
	}
	for i := 0; i < len(*batch) || take(); i++ {
		w := (*batch)[i]
		if err := w.ctx.Err(); err != nil {
			w.err = err
			continue
		}
		if err := g.run(tx, w); err != nil {
			// The transaction itself is broken: nothing in it may count.
			tx.Rollback()
			fail((*batch)[:i+1], err)
			for _, rest := range (*batch)[i+1:] {
				rest.err = err
			}
			return
		}
	}
	var jobs queuedJobs
	for _, w := range *batch {
		if w.err == nil && w.panicked == nil {
			jobs = jobs.add(w.jobs)
		}
	}
	if err := jobs.insert(tx); err != nil {
		tx.Rollback()
		fail(*batch, err)
		return
	}
	if err := tx.Commit(); err != nil {
		fail(*batch, fmt.Errorf("commit: %w", err))
	}
}

// run runs one use case inside its own savepoint of tx. It returns an
// error only when tx can no longer be used; the use case's own failure is
// left in w.
func (g *group) run(tx *sql.Tx, w *write) error {
	if _, err := tx.Exec(`SAVEPOINT usecase`); err != nil {
		return fmt.Errorf("savepoint: %w", err)
	}
	t := &Tx{conn: conn{q: loggingQuerier{q: detachedTx{tx: tx}, log: g.log}}, Tx: tx}
	w.err, w.panicked = call(w.fn, t)
	if w.err != nil || w.panicked != nil {
		if _, err := tx.Exec(`ROLLBACK TO usecase`); err != nil {
			return errors.Join(w.err, fmt.Errorf("rollback: %w", err))
		}
	} else {
		w.after, w.jobs = t.after, t.jobs
	}
	if _, err := tx.Exec(`RELEASE usecase`); err != nil {
		return fmt.Errorf("release savepoint: %w", err)
	}
	return nil
}

// call runs fn, turning a panic into a value that its own caller re-panics
// with, so that one use case's panic neither escapes in another's
// goroutine nor leaves the writer held.
func call(fn func(*Tx) error, t *Tx) (err error, panicked any) {
	defer func() {
		if p := recover(); p != nil {
			panicked = p
		}
	}()
	return fn(t), nil
}
