package user_test

import (
	"errors"
	"testing"

	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/store/storetest"
	"github.com/vigil-ts/vigil/internal/svc/svctest"
	"github.com/vigil-ts/vigil/internal/user"
)

// TestSettings: a user who never saved settings has the defaults (images
// blurred, in colour); saving replaces them for that user only, is
// audited in the user's chain, and an unknown user is refused — on both
// databases.
func TestSettings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := svctest.New(t, db)
		s := user.New(e.Deps)
		ctx := t.Context()
		ana, err := s.Create(ctx, svctest.System, "ana", "correct horse battery", user.Agent, e.MP)
		if err != nil {
			t.Fatal(err)
		}
		bo, err := s.Create(ctx, svctest.System, "bo", "correct horse battery", user.Agent, e.MP)
		if err != nil {
			t.Fatal(err)
		}
		settings := func(id string) user.Settings {
			t.Helper()
			st, err := s.Settings(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			return st
		}
		if got := settings(ana.ID); got != user.DefaultSettings() || !got.BlurImages || got.Grayscale {
			t.Fatalf("defaults = %+v, want blurred in colour", got)
		}
		for _, want := range []user.Settings{{BlurImages: false, Grayscale: true}, {BlurImages: true, Grayscale: true}, {}} {
			if err := s.SaveSettings(ctx, ana.ID, want); err != nil {
				t.Fatal(err)
			}
			if got := settings(ana.ID); got != want {
				t.Errorf("after saving %+v: %+v", want, got)
			}
		}
		if got := settings(bo.ID); got != user.DefaultSettings() {
			t.Errorf("another user's settings changed too: %+v", got)
		}
		if err := s.SaveSettings(ctx, "no-such-user", user.Settings{}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("saving for an unknown user: %v", err)
		}
		entries, err := db.AuditEntries(ctx, store.AuditQuery{Chain: e.MP, SubjectType: "user", SubjectID: ana.ID})
		if err != nil {
			t.Fatal(err)
		}
		changed := 0
		for _, en := range entries {
			if en.Action == "user.settings_changed" {
				changed++
			}
		}
		if changed != 3 {
			t.Errorf("%d settings changes audited, want 3", changed)
		}
	})
}
