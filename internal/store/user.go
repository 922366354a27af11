package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// User is a console user. MarketplaceID is empty for operator users, who may
// work in every marketplace.
type User struct {
	ID            string
	MarketplaceID string
	Username      string
	PasswordHash  string
	Role          string
	CreatedAt     time.Time
	DisabledAt    time.Time
}

// Session is a console login. Only the hash of the cookie value is stored.
type Session struct {
	IDHash    string
	UserID    string
	CSRFToken string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// CreateUser inserts u; a taken username is ErrConflict.
func (tx *Tx) CreateUser(ctx context.Context, u User) error {
	_, err := tx.q.ExecContext(ctx, `INSERT INTO users (id, marketplace_id, username, password_hash, role, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		u.ID, sql.NullString{String: u.MarketplaceID, Valid: u.MarketplaceID != ""}, u.Username, u.PasswordHash, u.Role, micros(u.CreatedAt))
	if isUniqueViolation(err) {
		return fmt.Errorf("user %q: %w", u.Username, ErrConflict)
	}
	return err
}

const userSelect = `SELECT id, marketplace_id, username, password_hash, role, created_at, disabled_at FROM users`

func scanUser(row interface{ Scan(...any) error }) (User, error) {
	var u User
	var mp sql.NullString
	var created int64
	var disabled sql.NullInt64
	if err := row.Scan(&u.ID, &mp, &u.Username, &u.PasswordHash, &u.Role, &created, &disabled); err != nil {
		return u, err
	}
	u.MarketplaceID, u.CreatedAt, u.DisabledAt = mp.String, fromMicros(created), nullMicros(disabled)
	return u, nil
}

// UserByName loads a user by username.
func (c conn) UserByName(ctx context.Context, username string) (User, error) {
	u, err := scanUser(c.q.QueryRowContext(ctx, userSelect+` WHERE username = $1`, username))
	return u, notFound(err, "user "+username)
}

// User loads a user by id.
func (c conn) User(ctx context.Context, id string) (User, error) {
	u, err := scanUser(c.q.QueryRowContext(ctx, userSelect+` WHERE id = $1`, id))
	return u, notFound(err, "user "+id)
}

// Users lists users by username.
func (c conn) Users(ctx context.Context) ([]User, error) {
	rows, err := c.q.QueryContext(ctx, userSelect+` ORDER BY username`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// CreateSession stores a session.
func (tx *Tx) CreateSession(ctx context.Context, s Session) error {
	_, err := tx.q.ExecContext(ctx, `INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)`,
		s.IDHash, s.UserID, s.CSRFToken, micros(s.CreatedAt), micros(s.ExpiresAt))
	return err
}

// SessionUser loads an unexpired session and its enabled user.
func (c conn) SessionUser(ctx context.Context, idHash string, now time.Time) (Session, User, error) {
	var s Session
	var created, expires int64
	err := c.q.QueryRowContext(ctx, `SELECT id_hash, user_id, csrf_token, created_at, expires_at FROM sessions WHERE id_hash = $1 AND expires_at > $2`,
		idHash, micros(now)).Scan(&s.IDHash, &s.UserID, &s.CSRFToken, &created, &expires)
	if err != nil {
		return s, User{}, notFound(err, "session")
	}
	s.CreatedAt, s.ExpiresAt = fromMicros(created), fromMicros(expires)
	u, err := c.User(ctx, s.UserID)
	if err != nil {
		return s, u, err
	}
	if !u.DisabledAt.IsZero() {
		return s, u, fmt.Errorf("user disabled: %w", ErrNotFound)
	}
	return s, u, nil
}

// DeleteSession ends a session (logout).
func (tx *Tx) DeleteSession(ctx context.Context, idHash string) error {
	_, err := tx.q.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = $1`, idHash)
	return err
}

// DeleteExpiredSessions removes sessions that expired before now.
func (tx *Tx) DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error) {
	res, err := tx.q.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= $1`, micros(now))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
