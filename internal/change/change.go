// Package change keeps in-memory caches true to the database when several
// processes share it. A change publishes its topic and key inside its own
// transaction (PostgreSQL NOTIFY, delivered only on commit) and drops the
// key from this process's cache once committed; every process's Watcher
// listens and drops the key from its own. While a Watcher is not
// listening its caches are bypassed, and they are emptied whenever it
// starts listening again, so a missed notification cannot leave a stale
// answer. On SQLite, with one process, caches are live from the start.
package change

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/vigil-ts/vigil/internal/store"
)

// Cache is a bounded in-memory map of values read from the database.
type Cache[V any] struct {
	mu  sync.RWMutex
	m   map[string]V
	max int
	// seq counts drops: a value loaded before a drop of any key is not
	// stored, since it may predate the change that caused the drop.
	seq  atomic.Uint64
	live atomic.Bool
}

// NewCache returns a cache of up to max values (0: 100,000). A cache for
// db is live at once on SQLite; on PostgreSQL only once a Watcher listens.
func NewCache[V any](db *store.DB, max int) *Cache[V] {
	if max <= 0 {
		max = 100_000
	}
	c := &Cache[V]{m: map[string]V{}, max: max}
	c.live.Store(db.Dialect != store.Postgres)
	return c
}

// Live reports whether the cache serves values.
func (c *Cache[V]) Live() bool { return c.live.Load() }

// Get returns a cached value.
func (c *Cache[V]) Get(key string) (V, bool) {
	var zero V
	if !c.live.Load() {
		return zero, false
	}
	c.mu.RLock()
	v, ok := c.m[key]
	c.mu.RUnlock()
	return v, ok
}

// Seq is the drop counter to read before loading a value to Put.
func (c *Cache[V]) Seq() uint64 { return c.seq.Load() }

// Put stores a value loaded when Seq read seq, unless something was
// dropped since.
func (c *Cache[V]) Put(key string, v V, seq uint64) {
	if !c.live.Load() {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.seq.Load() != seq {
		return
	}
	if len(c.m) >= c.max {
		// Evict an arbitrary tenth: map order is random, and a re-read
		// is one indexed query.
		n := c.max / 10
		for k := range c.m {
			if n <= 0 {
				break
			}
			delete(c.m, k)
			n--
		}
	}
	c.m[key] = v
}

// Forget drops a key.
func (c *Cache[V]) Forget(key string) {
	c.mu.Lock()
	c.seq.Add(1)
	delete(c.m, key)
	c.mu.Unlock()
}

// ForgetWhere drops every value match selects.
func (c *Cache[V]) ForgetWhere(match func(V) bool) {
	c.mu.Lock()
	c.seq.Add(1)
	for k, v := range c.m {
		if match(v) {
			delete(c.m, k)
		}
	}
	c.mu.Unlock()
}

// Reset empties the cache and sets whether it serves values.
func (c *Cache[V]) Reset(live bool) {
	c.mu.Lock()
	c.seq.Add(1)
	c.live.Store(live)
	clear(c.m)
	c.mu.Unlock()
}

// Forgetter is a cache a Watcher keeps in step.
type Forgetter interface {
	Forget(key string)
	Reset(live bool)
}

// Publish announces, inside tx, that key of topic changed: this process's
// f forgets it once tx commits, the other processes when their Watchers
// hear it.
func Publish(ctx context.Context, tx *store.Tx, dialect store.Dialect, topic, key string, f Forgetter) error {
	tx.AfterCommit(func() { f.Forget(key) })
	return tx.Notify(ctx, dialect, store.ChangesChannel, topic+" "+key)
}

// Watcher keeps a process's caches in step with changes other processes
// make.
type Watcher struct {
	db     *store.DB
	mu     sync.Mutex
	topics map[string]Forgetter
}

// NewWatcher returns a Watcher over db.
func NewWatcher(db *store.DB) *Watcher { return &Watcher{db: db, topics: map[string]Forgetter{}} }

// Add keeps f in step with topic's changes.
func (w *Watcher) Add(topic string, f Forgetter) {
	w.mu.Lock()
	w.topics[topic] = f
	w.mu.Unlock()
}

func (w *Watcher) each(fn func(Forgetter)) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, f := range w.topics {
		fn(f)
	}
}

// Run listens until ctx ends; run it in its own goroutine. On SQLite it
// returns at once.
func (w *Watcher) Run(ctx context.Context) {
	w.db.Listen(ctx, store.ChangesChannel, func(live bool) {
		w.each(func(f Forgetter) { f.Reset(live) })
	}, func(payload string) {
		topic, key, ok := strings.Cut(payload, " ")
		if !ok {
			return
		}
		w.mu.Lock()
		f := w.topics[topic]
		w.mu.Unlock()
		if f != nil {
			f.Forget(key)
		}
	})
}
