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
	"github.com/vigil-ts/vigil/internal/user"
)

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
