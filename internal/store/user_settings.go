package store

import (
	"context"
	"time"
)

// UserSettings are a console user's own display settings.
type UserSettings struct {
	UserID string
	// BlurImages keeps images in reported or held content blurred until
	// the user reveals each one.
	BlurImages bool
	// Grayscale shows those images without colour.
	Grayscale bool
	UpdatedAt time.Time
}

// UserSettings loads a user's saved settings; ErrNotFound when they never
// saved any.
func (c conn) UserSettings(ctx context.Context, userID string) (UserSettings, error) {
	s := UserSettings{UserID: userID}
	var blur, gray int
	var updated int64
	err := c.q.QueryRowContext(ctx, `SELECT blur_images, grayscale, updated_at FROM user_settings WHERE user_id = $1`, userID).
		Scan(&blur, &gray, &updated)
	if err != nil {
		return s, notFound(err, "settings of user "+userID)
	}
	s.BlurImages, s.Grayscale, s.UpdatedAt = blur != 0, gray != 0, fromMicros(updated)
	return s, nil
}

// SaveUserSettings stores a user's settings, replacing those saved before.
func (tx *Tx) SaveUserSettings(ctx context.Context, s UserSettings) error {
	_, err := tx.q.ExecContext(ctx, `INSERT INTO user_settings (user_id, blur_images, grayscale, updated_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (user_id) DO UPDATE SET blur_images = excluded.blur_images, grayscale = excluded.grayscale, updated_at = excluded.updated_at`,
		s.UserID, boolInt(s.BlurImages), boolInt(s.Grayscale), micros(s.UpdatedAt))
	return err
}
