package check

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/vigil-ts/vigil/internal/detect/imagehash"
	"github.com/vigil-ts/vigil/internal/detect/near"
	"github.com/vigil-ts/vigil/internal/detect/price"
	"github.com/vigil-ts/vigil/internal/event"
	"github.com/vigil-ts/vigil/internal/store"
)

// indexes keep, per marketplace, what checks compare a listing with: the
// near-duplicate indexes of titles (per seller) and descriptions (across
// sellers) and the category price statistics. They live in memory, are
// rebuilt from the store the first time a marketplace is checked, and are
// kept up to date as checks store listings.
type indexes struct {
	db     *store.DB
	prices *price.Stats
	mu     sync.Mutex
	byMP   map[string]*marketIndex
}

type marketIndex struct {
	once    sync.Once
	err     error
	titles  *near.Index
	descs   *near.Index
	reviews *near.Index
	// images is created on first use: an image index costs about 13 MB
	// however few photos it holds.
	imagesOnce sync.Once
	images     *imagehash.Index
}

func (m *marketIndex) imageIndex() *imagehash.Index {
	m.imagesOnce.Do(func() { m.images = imagehash.NewIndex() })
	return m.images
}

// nearThreshold is what the indexes are tuned for: a little below the
// default policy thresholds (0.90 titles, 0.85 descriptions), so a
// marketplace may lower them somewhat without losing recall.
const nearThreshold = 0.8

func newIndexes(db *store.DB) *indexes {
	return &indexes{db: db, prices: price.New(price.DefaultWindow), byMP: map[string]*marketIndex{}}
}

// market returns the marketplace's indexes, loading them on first use.
func (ix *indexes) market(ctx context.Context, marketplaceID string) (*marketIndex, error) {
	ix.mu.Lock()
	m, ok := ix.byMP[marketplaceID]
	if !ok {
		m = &marketIndex{titles: near.New(near.Options{Kind: near.Chars, Threshold: nearThreshold}),
			descs: near.New(near.Options{Kind: near.Words, Threshold: nearThreshold}), reviews: near.New(near.Options{Kind: near.Words, Threshold: nearThreshold})}
		ix.byMP[marketplaceID] = m
	}
	ix.mu.Unlock()
	m.once.Do(func() {
		ctx := context.WithoutCancel(ctx)
		m.err = ix.db.ScanListings(ctx, marketplaceID, func(l store.ListingText) { ix.add(marketplaceID, m, l) })
		if m.err == nil {
			m.err = ix.db.ScanReviews(ctx, marketplaceID, func(r store.ReviewText) { m.reviews.Add(r.ID, r.AuthorID, r.Text) })
		}
		if m.err == nil {
			m.err = ix.db.ScanImageHashes(ctx, marketplaceID, func(im store.ListingImage) {
				m.imageIndex().Add(imageKey(im.ListingID, im.Ref), im.AccountID, im.Hash)
			})
		}
	})
	if m.err != nil {
		// Let the next check try again rather than run on half an index.
		ix.mu.Lock()
		delete(ix.byMP, marketplaceID)
		ix.mu.Unlock()
		return nil, m.err
	}
	return m, nil
}

func (ix *indexes) add(marketplaceID string, m *marketIndex, l store.ListingText) {
	m.titles.Add(l.ID, l.AccountID, l.Title)
	if l.Description != "" {
		m.descs.Add(l.ID, l.AccountID, l.Description)
	}
	if l.Price > 0 {
		ix.prices.Add(price.Key(marketplaceID, l.Category, l.Currency), l.Price)
	}
}

// IngestHook keeps the checks' state current with ingested events: inside
// the batch's transaction it stores listings' image rows and queues the
// hashing of new image URLs; after the commit it adds the listings, reviews
// and known photo hashes to the indexes of a marketplace whose indexes are
// loaded (one not loaded yet reads them from the store when it is).
func (s *Service) IngestHook(ctx context.Context, tx *store.Tx, marketplaceID string, stored []event.Event) (func(), error) {
	type imageChange struct {
		l       *event.ListingUpserted
		added   []store.ListingImage
		removed []string
	}
	var changes []imageChange
	for _, ev := range stored {
		if l, ok := ev.Payload.(*event.ListingUpserted); ok {
			added, removed, err := s.registerImages(ctx, tx, marketplaceID, l)
			if err != nil {
				return nil, err
			}
			changes = append(changes, imageChange{l, added, removed})
			if slices.ContainsFunc(added, func(im store.ListingImage) bool { return im.Status == store.ImageHashed }) {
				if err := s.enqueue(tx, MatchImagesArgs{MarketplaceID: marketplaceID, ListingID: l.ListingID}); err != nil {
					return nil, err
				}
			}
		}
	}
	return func() {
		s.ix.mu.Lock()
		_, ok := s.ix.byMP[marketplaceID]
		s.ix.mu.Unlock()
		if !ok {
			return
		}
		// market waits for a load in progress (or runs it), so the events
		// are added after the scan; adding one the scan saw replaces it.
		m, err := s.ix.market(context.Background(), marketplaceID)
		if err != nil {
			return
		}
		for _, ev := range stored {
			switch p := ev.Payload.(type) {
			case *event.ListingUpserted:
				s.ix.add(marketplaceID, m, store.ListingText{ID: p.ListingID, AccountID: p.AccountID, Title: p.Title,
					Description: p.Description, Category: p.Category, Currency: p.Price.Currency, Price: p.Price.Amount})
			case *event.ReviewSubmitted:
				m.reviews.Add(p.ReviewID, p.AuthorID, p.Text)
			}
		}
		for _, c := range changes {
			indexImages(m, c.l.ListingID, c.l.AccountID, c.added, c.removed)
		}
	}, nil
}

// Warm builds every marketplace's indexes, one marketplace after another,
// so that the first listing check after a start need not build them (with
// a million listings that takes some seconds, which the check would wait).
// A check arriving meanwhile waits for its own marketplace's build, as it
// would have without Warm. It stops between marketplaces once ctx is done.
func (s *Service) Warm(ctx context.Context) error {
	mps, err := s.DB.Marketplaces(ctx)
	if err != nil {
		return err
	}
	for _, mp := range mps {
		if err := ctx.Err(); err != nil {
			return err
		}
		start := time.Now()
		m, err := s.ix.market(ctx, mp.ID)
		if err != nil {
			return fmt.Errorf("indexes of marketplace %s: %w", mp.ID, err)
		}
		s.Log.Info("check indexes built", "marketplace", mp.ID, "listings", m.titles.Len(), "took", time.Since(start).Round(time.Millisecond))
	}
	return nil
}
