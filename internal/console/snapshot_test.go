package console

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestSnapshots serves a figure from its snapshot within the TTL, serves
// it stale while one background read refreshes it, reads it afresh after
// a quiet spell, and does not keep a failed read.
func TestSnapshots(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	s := newSnapshots(10*time.Second, clock)
	var reads atomic.Int64
	refreshed := make(chan struct{}, 10)
	read := func(context.Context) (int64, error) {
		n := reads.Add(1)
		refreshed <- struct{}{}
		return n, nil
	}
	get := func() (int64, time.Time) {
		t.Helper()
		v, at, err := cached(t.Context(), s, "k", read)
		if err != nil {
			t.Fatal(err)
		}
		return v, at
	}
	if v, at := get(); v != 1 || !at.Equal(clock()) {
		t.Fatalf("first read: %d at %v", v, at)
	}
	<-refreshed
	advance(5 * time.Second)
	if v, _ := get(); v != 1 || reads.Load() != 1 {
		t.Fatalf("within the TTL: %d after %d reads", v, reads.Load())
	}
	advance(10 * time.Second)
	if v, _ := get(); v != 1 {
		t.Fatalf("past the TTL the stale figure is served at once, got %d", v)
	}
	<-refreshed // the background read
	deadline := time.Now().Add(5 * time.Second)
	for {
		if v, at := get(); v == 2 {
			if !at.Equal(clock()) {
				t.Fatalf("refreshed figure taken at %v", at)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the background read never replaced the snapshot")
		}
		time.Sleep(time.Millisecond)
	}
	advance(time.Hour) // beyond maxStale: read before serving
	if v, _ := get(); v != 3 {
		t.Fatalf("after a quiet spell: %d, want a fresh read", v)
	}
	<-refreshed

	fail := errors.New("database away")
	if _, _, err := cached(t.Context(), s, "bad", func(context.Context) (int, error) { return 0, fail }); !errors.Is(err, fail) {
		t.Fatalf("failed read: %v", err)
	}
	if v, _, err := cached(t.Context(), s, "bad", func(context.Context) (int, error) { return 7, nil }); err != nil || v != 7 {
		t.Fatalf("a failed read was kept: %d, %v", v, err)
	}

	off := newSnapshots(0, clock)
	for i := range 3 {
		if v, at, _ := cached(t.Context(), off, "k", read); v != int64(4+i) || !at.IsZero() {
			t.Fatalf("without a TTL every request reads: %d at %v", v, at)
		}
		<-refreshed
	}
}

// TestSnapshotsBounded keeps at most maxSnapshots keys, however many
// periods are asked for.
func TestSnapshotsBounded(t *testing.T) {
	s := newSnapshots(time.Minute, func() time.Time { return time.Now() })
	for i := range maxSnapshots + 50 {
		if _, _, err := cached(t.Context(), s, string(rune('a'+i%26))+time.Duration(i).String(), func(context.Context) (int, error) { return i, nil }); err != nil {
			t.Fatal(err)
		}
	}
	if len(s.m) > maxSnapshots {
		t.Fatalf("%d snapshots kept", len(s.m))
	}
}
