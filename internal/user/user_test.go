package user_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/store/storetest"
	"github.com/vigil-ts/vigil/internal/svc"
	"github.com/vigil-ts/vigil/internal/svc/svctest"
	"github.com/vigil-ts/vigil/internal/user"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func TestPasswordHash(t *testing.T) {
	h, err := user.HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash format %q", h)
	}
	h2, _ := user.HashPassword("correct horse battery")
	if h == h2 {
		t.Fatal("hashes must be salted")
	}
	if !user.CheckPassword(h, "correct horse battery") || user.CheckPassword(h, "correct horse batterY") || user.CheckPassword("garbage", "x") {
		t.Fatal("CheckPassword")
	}
}

func TestLoginAndSessions(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	d := svc.New(db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	clock := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	d.Now = func() time.Time { return clock }
	s := user.New(d)
	ctx := context.Background()
	actor := audit.Actor{Type: audit.ActorSystem, ID: "t"}
	if _, err := s.Create(ctx, actor, "ana", "correct horse battery", user.Admin, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Create(ctx, actor, "bo", "correct horse battery", user.Agent, "no-such-marketplace"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("user in a missing marketplace: %v", err)
	}
	for _, bad := range [][2]string{{"ana", "wrong password!"}, {"nobody", "correct horse battery"}} {
		if _, _, err := s.Login(ctx, bad[0], bad[1]); !errors.Is(err, user.ErrBadLogin) {
			t.Fatalf("login %v: %v", bad, err)
		}
	}
	token, u, err := s.Login(ctx, "ana", "correct horse battery")
	if err != nil || u.Role != string(user.Admin) {
		t.Fatal(err)
	}
	if _, got, err := s.Session(ctx, token); err != nil || got.ID != u.ID {
		t.Fatalf("session: %v", err)
	}
	clock = clock.Add(user.SessionTTL + time.Second)
	if _, _, err := s.Session(ctx, token); !errors.Is(err, user.ErrNoSession) {
		t.Fatalf("expired session accepted: %v", err)
	}
	clock = clock.Add(-user.SessionTTL)
	if err := s.Logout(ctx, token); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Session(ctx, token); !errors.Is(err, user.ErrNoSession) {
		t.Fatalf("session survived logout: %v", err)
	}
}

// TestLoginLockout: after five failures in a row a username is locked for
// a minute — even the right password is refused — then each further
// failure doubles the lockout up to an hour; a success clears the count.
// Unknown usernames lock the same way, so a lockout reveals nothing.
// The counts live in the database, shared by every process.
func TestLoginLockout(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := svctest.New(t, db)
		s := user.New(e.Deps)
		ctx := t.Context()
		if _, err := s.Create(ctx, svctest.System, "ana", "correct horse battery", user.Admin, ""); err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"ana", "nobody"} {
			for i := 1; i < user.FreeAttempts; i++ {
				if _, _, err := s.Login(ctx, name, "wrong password!"); !errors.Is(err, user.ErrBadLogin) {
					t.Fatalf("%s failure %d: %v", name, i, err)
				}
			}
			_, _, err := s.Login(ctx, name, "wrong password!")
			if locked, ok := errors.AsType[user.LockedError](err); !ok || !locked.Until.Equal(e.Now().Add(time.Minute)) {
				t.Fatalf("%s failure %d: %v, want locked for a minute", name, user.FreeAttempts, err)
			}
		}
		if _, _, err := s.Login(ctx, "ana", "correct horse battery"); !errors.As(err, new(user.LockedError)) {
			t.Fatalf("the right password while locked: %v", err)
		}
		e.Advance(time.Minute)
		_, _, err := s.Login(ctx, "ana", "wrong again!!")
		if locked, ok := errors.AsType[user.LockedError](err); !ok || !locked.Until.Equal(e.Now().Add(2*time.Minute)) {
			t.Fatalf("a failure after the lockout: %v, want locked for two minutes", err)
		}
		for range 10 {
			e.Advance(time.Hour)
			_, _, err = s.Login(ctx, "ana", "wrong again!!")
		}
		if locked, ok := errors.AsType[user.LockedError](err); !ok || !locked.Until.Equal(e.Now().Add(time.Hour)) {
			t.Fatalf("after many failures: %v, want locked for at most an hour", err)
		}
		e.Advance(time.Hour)
		if _, _, err := s.Login(ctx, "ana", "correct horse battery"); err != nil {
			t.Fatalf("the right password after the lockout: %v", err)
		}
		if _, _, err := s.Login(ctx, "ana", "wrong password!"); !errors.Is(err, user.ErrBadLogin) {
			t.Fatalf("a success did not clear the failures: %v", err)
		}
		e.Advance(25 * time.Hour)
		for i := 1; i < user.FreeAttempts; i++ {
			if _, _, err := s.Login(ctx, "ana", "wrong password!"); !errors.Is(err, user.ErrBadLogin) {
				t.Fatalf("a day later, failure %d: %v (old failures should be forgotten)", i, err)
			}
		}
	})
}
