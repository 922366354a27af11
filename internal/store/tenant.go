package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Marketplace is a tenant.
type Marketplace struct {
	ID        string
	Name      string
	Slug      string
	CreatedAt time.Time
}

// APIKey is a marketplace's credential; only the hash of the secret is kept.
type APIKey struct {
	ID            string
	MarketplaceID string
	Name          string
	Prefix        string // the first characters of the key, to recognise it
	Hash          string
	CreatedAt     time.Time
	RevokedAt     time.Time
}

// CreateMarketplace inserts m; a taken slug is ErrConflict.
func (tx *Tx) CreateMarketplace(ctx context.Context, m Marketplace) error {
	_, err := tx.q.ExecContext(ctx, `INSERT INTO marketplaces (id, name, slug, created_at) VALUES ($1, $2, $3, $4)`,
		m.ID, m.Name, m.Slug, micros(m.CreatedAt))
	if isUniqueViolation(err) {
		return fmt.Errorf("marketplace %q: %w", m.Slug, ErrConflict)
	}
	return err
}

// Marketplace loads one marketplace by id.
func (c conn) Marketplace(ctx context.Context, id string) (Marketplace, error) {
	return c.marketplaceWhere(ctx, "id", id)
}

// MarketplaceBySlug loads one marketplace by its slug, the name public
// addresses use (the published policy page).
func (c conn) MarketplaceBySlug(ctx context.Context, slug string) (Marketplace, error) {
	return c.marketplaceWhere(ctx, "slug", slug)
}

// marketplaceWhere loads the marketplace whose unique column (id or slug,
// never caller input) equals value.
func (c conn) marketplaceWhere(ctx context.Context, column, value string) (Marketplace, error) {
	var m Marketplace
	var created int64
	err := c.q.QueryRowContext(ctx, `SELECT id, name, slug, created_at FROM marketplaces WHERE `+column+` = $1`, value).
		Scan(&m.ID, &m.Name, &m.Slug, &created)
	if err != nil {
		return m, notFound(err, "marketplace "+value)
	}
	m.CreatedAt = fromMicros(created)
	return m, nil
}

// Marketplaces lists all marketplaces by name.
func (c conn) Marketplaces(ctx context.Context) ([]Marketplace, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT id, name, slug, created_at FROM marketplaces ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Marketplace
	for rows.Next() {
		var m Marketplace
		var created int64
		if err := rows.Scan(&m.ID, &m.Name, &m.Slug, &created); err != nil {
			return nil, err
		}
		m.CreatedAt = fromMicros(created)
		out = append(out, m)
	}
	return out, rows.Err()
}

// CreateAPIKey stores a key's hash.
func (tx *Tx) CreateAPIKey(ctx context.Context, k APIKey) error {
	_, err := tx.q.ExecContext(ctx, `INSERT INTO api_keys (id, marketplace_id, name, prefix, hash, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		k.ID, k.MarketplaceID, k.Name, k.Prefix, k.Hash, micros(k.CreatedAt))
	return err
}

// RevokeAPIKey marks a key revoked; revoking twice is ErrNotFound.
func (tx *Tx) RevokeAPIKey(ctx context.Context, marketplaceID, id string, at time.Time) error {
	res, err := tx.q.ExecContext(ctx, `UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND marketplace_id = $3 AND revoked_at IS NULL`,
		micros(at), id, marketplaceID)
	if err != nil {
		return err
	}
	return mustAffect(res, "api key "+id)
}

// APIKeyByHash finds a key by the hash of its secret, revoked or not.
func (c conn) APIKeyByHash(ctx context.Context, hash string) (APIKey, error) {
	rows, err := c.q.QueryContext(ctx, apiKeySelect+` WHERE hash = $1`, hash)
	if err != nil {
		return APIKey{}, err
	}
	keys, err := scanAPIKeys(rows)
	if err != nil {
		return APIKey{}, err
	}
	if len(keys) == 0 {
		return APIKey{}, ErrNotFound
	}
	return keys[0], nil
}

// APIKeys lists a marketplace's keys, newest first.
func (c conn) APIKeys(ctx context.Context, marketplaceID string) ([]APIKey, error) {
	rows, err := c.q.QueryContext(ctx, apiKeySelect+` WHERE marketplace_id = $1 ORDER BY created_at DESC`, marketplaceID)
	if err != nil {
		return nil, err
	}
	return scanAPIKeys(rows)
}

const apiKeySelect = `SELECT id, marketplace_id, name, prefix, hash, created_at, revoked_at FROM api_keys`

func scanAPIKeys(rows *sql.Rows) ([]APIKey, error) {
	defer rows.Close()
	var out []APIKey
	for rows.Next() {
		var k APIKey
		var created int64
		var revoked sql.NullInt64
		if err := rows.Scan(&k.ID, &k.MarketplaceID, &k.Name, &k.Prefix, &k.Hash, &created, &revoked); err != nil {
			return nil, err
		}
		k.CreatedAt, k.RevokedAt = fromMicros(created), nullMicros(revoked)
		out = append(out, k)
	}
	return out, rows.Err()
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// notFound maps sql.ErrNoRows to ErrNotFound naming what was missing.
func notFound(err error, what string) error {
	if isNoRows(err) {
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

func mustAffect(res sql.Result, what string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	return nil
}

// isUniqueViolation recognises a unique-constraint error from either driver
// without importing driver packages into callers.
func isUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	s := err.Error()
	return strings.Contains(s, "UNIQUE constraint failed") || strings.Contains(s, "SQLSTATE 23505")
}
