// Package tenant owns marketplaces (tenants, R-T1) and their API keys. Keys
// are random, shown once at creation and stored only as a SHA-256 hash: a
// key has 190 bits of entropy, so a fast hash is as safe as a slow one and
// keeps authentication off the hot path's critical time.
package tenant

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/change"
	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/svc"
)

// KeyPrefix starts every API key, so leaked keys are recognisable by
// secret scanners.
const KeyPrefix = "vgl_"

// Errors returned by Authenticate.
var (
	ErrUnknownKey = errors.New("unknown API key")
	ErrRevokedKey = errors.New("API key revoked")
)

// ErrInvalid marks a request that cannot be carried out as asked.
var ErrInvalid = errors.New("invalid")

// Service manages marketplaces and keys.
type Service struct {
	svc.Deps
	// keys holds authenticated keys by hash: every API request
	// authenticates, and most would otherwise start with a query.
	keys *change.Cache[store.APIKey]
}

// New returns a Service.
func New(d svc.Deps) *Service {
	return &Service{Deps: d, keys: change.NewCache[store.APIKey](d.DB, 10_000)}
}

// Topic is the change topic of API keys; keys are key ids.
const Topic = "api_key"

// Forget drops a key (by id) from memory; with Reset it lets a
// change.Watcher keep the cache in step.
func (s *Service) Forget(id string) {
	s.keys.ForgetWhere(func(k store.APIKey) bool { return k.ID == id })
}

// Reset empties the key cache and sets whether it serves from memory.
func (s *Service) Reset(live bool) { s.keys.Reset(live) }

// Created is a new marketplace with its first key, shown this once.
type Created struct {
	Marketplace store.Marketplace
	Key         store.APIKey
	Secret      string
}

var slugRe = regexp.MustCompile(`[^a-z0-9]+`)

// CreateMarketplace creates a marketplace and its first API key.
func (s *Service) CreateMarketplace(ctx context.Context, actor audit.Actor, name string) (Created, error) {
	name = strings.TrimSpace(name)
	slug := strings.Trim(slugRe.ReplaceAllString(strings.ToLower(name), "-"), "-")
	if name == "" || slug == "" || len(name) > 200 {
		return Created{}, fmt.Errorf("%w: a marketplace name needs letters or digits (at most 200 characters)", ErrInvalid)
	}
	now := s.Now()
	out := Created{Marketplace: store.Marketplace{ID: s.NewID(), Name: name, Slug: slug, CreatedAt: now}}
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateMarketplace(ctx, out.Marketplace); err != nil {
			return err
		}
		if err := tx.Audit(ctx, audit.SystemChain, actor, "marketplace.created", "marketplace", out.Marketplace.ID,
			map[string]string{"name": name, "slug": slug}, now); err != nil {
			return err
		}
		var err error
		out.Key, out.Secret, err = s.createKey(ctx, tx, actor, out.Marketplace.ID, "default")
		return err
	})
	return out, err
}

// CreateKey issues a new API key for a marketplace; the secret is returned
// once and never stored.
func (s *Service) CreateKey(ctx context.Context, actor audit.Actor, marketplaceID, name string) (store.APIKey, string, error) {
	var k store.APIKey
	var secret string
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Marketplace(ctx, marketplaceID); err != nil {
			return err
		}
		var err error
		k, secret, err = s.createKey(ctx, tx, actor, marketplaceID, name)
		return err
	})
	return k, secret, err
}

func (s *Service) createKey(ctx context.Context, tx *store.Tx, actor audit.Actor, marketplaceID, name string) (store.APIKey, string, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 100 {
		return store.APIKey{}, "", fmt.Errorf("%w: a key name of 1 to 100 characters is required", ErrInvalid)
	}
	raw := make([]byte, 24)
	if _, err := rand.Read(raw); err != nil {
		return store.APIKey{}, "", err
	}
	secret := KeyPrefix + hex.EncodeToString(raw)
	k := store.APIKey{ID: s.NewID(), MarketplaceID: marketplaceID, Name: name, Prefix: secret[:len(KeyPrefix)+6],
		Hash: HashKey(secret), CreatedAt: s.Now()}
	if err := tx.CreateAPIKey(ctx, k); err != nil {
		return k, "", err
	}
	err := tx.Audit(ctx, marketplaceID, actor, "api_key.created", "api_key", k.ID, map[string]string{"name": name, "prefix": k.Prefix}, k.CreatedAt)
	return k, secret, err
}

// RevokeKey revokes a key at once; requests with it fail from then on.
func (s *Service) RevokeKey(ctx context.Context, actor audit.Actor, marketplaceID, keyID string) error {
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		now := s.Now()
		if err := tx.RevokeAPIKey(ctx, marketplaceID, keyID, now); err != nil {
			return err
		}
		if err := change.Publish(ctx, tx, s.DB.Dialect, Topic, keyID, s); err != nil {
			return err
		}
		return tx.Audit(ctx, marketplaceID, actor, "api_key.revoked", "api_key", keyID, struct{}{}, now)
	})
}

// Authenticate resolves an API key to its record.
func (s *Service) Authenticate(ctx context.Context, secret string) (store.APIKey, error) {
	if !strings.HasPrefix(secret, KeyPrefix) {
		return store.APIKey{}, ErrUnknownKey
	}
	hash := HashKey(secret)
	k, ok := s.keys.Get(hash)
	if !ok {
		seq := s.keys.Seq()
		var err error
		k, err = s.DB.APIKeyByHash(ctx, hash)
		if errors.Is(err, store.ErrNotFound) {
			return k, ErrUnknownKey
		}
		if err != nil {
			return k, err
		}
		s.keys.Put(hash, k, seq)
	}
	if !k.RevokedAt.IsZero() {
		return k, ErrRevokedKey
	}
	return k, nil
}

// HashKey is the stored form of a key.
func HashKey(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}
