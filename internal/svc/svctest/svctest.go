// Package svctest builds what service tests share: a settable clock, the
// services' dependencies over a test database, and a marketplace.
package svctest

import (
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/svc"
	"github.com/vigil-ts/vigil/internal/tenant"
)

// System is the actor tests act as.
var System = audit.Actor{Type: audit.ActorSystem, ID: "test"}

// Clock is a clock a test sets; it is safe for concurrent use.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock on.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// Env is a fresh marketplace on db with services' dependencies on a
// clock starting at the current second.
type Env struct {
	*Clock
	Deps svc.Deps
	// MP is the marketplace's id.
	MP string
}

// New returns an Env over db.
func New(t testing.TB, db *store.DB) Env {
	t.Helper()
	c := &Clock{now: time.Now().UTC().Truncate(time.Second)}
	d := svc.New(db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	d.Now = c.Now
	mp, err := tenant.New(d).CreateMarketplace(t.Context(), System, "Alpha")
	if err != nil {
		t.Fatal(err)
	}
	return Env{Clock: c, Deps: d, MP: mp.Marketplace.ID}
}
