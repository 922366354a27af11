package user

import (
	"context"
	"errors"

	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/store"
)

// Settings are a console user's own display settings, for moderator
// wellbeing: images in reported or held content can stay blurred until
// revealed one by one, and can be shown in grayscale.
type Settings struct {
	// BlurImages blurs images until the user reveals each one.
	BlurImages bool `json:"blur_images"`
	// Grayscale shows images without colour.
	Grayscale bool `json:"grayscale"`
}

// DefaultSettings are the settings of a user who never saved any: images
// blurred, in colour.
func DefaultSettings() Settings { return Settings{BlurImages: true} }

// Settings returns a user's settings, the defaults until they save some.
func (s *Service) Settings(ctx context.Context, userID string) (Settings, error) {
	st, err := s.DB.UserSettings(ctx, userID)
	if errors.Is(err, store.ErrNotFound) {
		return DefaultSettings(), nil
	}
	if err != nil {
		return Settings{}, err
	}
	return Settings{BlurImages: st.BlurImages, Grayscale: st.Grayscale}, nil
}

// SaveSettings stores a user's own settings and audits the change. An
// unknown user is store.ErrNotFound.
func (s *Service) SaveSettings(ctx context.Context, userID string, st Settings) error {
	now := s.Now()
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		u, err := tx.User(ctx, userID)
		if err != nil {
			return err
		}
		if err := tx.SaveUserSettings(ctx, store.UserSettings{UserID: u.ID, BlurImages: st.BlurImages, Grayscale: st.Grayscale, UpdatedAt: now}); err != nil {
			return err
		}
		return tx.Audit(ctx, u.MarketplaceID, audit.Actor{Type: audit.ActorUser, ID: u.ID}, "user.settings_changed", "user", u.ID, st, now)
	})
}
