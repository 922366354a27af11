package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Image hashing states of a listing image.
const (
	ImagePending = "pending"
	ImageHashed  = "hashed"
	ImageFailed  = "failed"
)

// ListingImage is one photo of a listing and what is known of its hash.
type ListingImage struct {
	ListingID string
	// Ref is the image's URL, or the id of an uploaded image (img_…).
	Ref       string
	Position  int
	AccountID string
	Status    string
	// Hash is the 64-bit perceptual hash; meaningful when Status is hashed.
	Hash      uint64
	Error     string
	UpdatedAt time.Time
}

// ImageUpload is an image uploaded as bytes: its hash, not its pixels.
type ImageUpload struct {
	ID          string
	Hash        uint64
	Size        int64
	ContentType string
	Width       int
	Height      int
	CreatedAt   time.Time
}

// IsUploadRef says whether an image reference names an uploaded image
// rather than a URL.
func IsUploadRef(ref string) bool { return strings.HasPrefix(ref, "img_") }

// CreateImageUpload stores an upload; the same id again (the same bytes)
// keeps the first row and reports created false.
func (tx *Tx) CreateImageUpload(ctx context.Context, marketplaceID string, u ImageUpload) (created bool, err error) {
	res, err := tx.q.ExecContext(ctx, `INSERT INTO image_uploads (marketplace_id, id, hash, size, content_type, width, height, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (marketplace_id, id) DO NOTHING`,
		marketplaceID, u.ID, int64(u.Hash), u.Size, u.ContentType, u.Width, u.Height, micros(u.CreatedAt))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// ImageUpload returns an uploaded image's record.
func (c conn) ImageUpload(ctx context.Context, marketplaceID, id string) (ImageUpload, error) {
	var u ImageUpload
	var h, created int64
	err := c.q.QueryRowContext(ctx, `SELECT id, hash, size, content_type, width, height, created_at FROM image_uploads
		WHERE marketplace_id = $1 AND id = $2`, marketplaceID, id).Scan(&u.ID, &h, &u.Size, &u.ContentType, &u.Width, &u.Height, &created)
	if err == sql.ErrNoRows {
		return u, fmt.Errorf("image %s: %w", id, ErrNotFound)
	}
	u.Hash, u.CreatedAt = uint64(h), fromMicros(created)
	return u, err
}

// SetListingImages makes refs (in order) the listing's images: rows of
// images no longer listed are deleted, new ones are added. A new image
// whose hash is already known — an upload, or the same URL hashed for
// another listing — is stored hashed at once; an unknown upload id is
// stored failed. It returns the rows added (pending ones are to be fetched
// and hashed) and the refs removed.
func (tx *Tx) SetListingImages(ctx context.Context, marketplaceID, listingID, accountID string, refs []string, now time.Time) (added []ListingImage, removed []string, err error) {
	current, err := tx.ListingImages(ctx, marketplaceID, listingID)
	if err != nil {
		return nil, nil, err
	}
	want := map[string]int{}
	for i, r := range refs {
		if _, dup := want[r]; !dup {
			want[r] = i
		}
	}
	have := map[string]bool{}
	for _, im := range current {
		if _, ok := want[im.Ref]; !ok {
			removed = append(removed, im.Ref)
			continue
		}
		have[im.Ref] = true
	}
	for _, r := range removed {
		if _, err := tx.q.ExecContext(ctx, `DELETE FROM listing_images WHERE marketplace_id = $1 AND listing_id = $2 AND ref = $3`,
			marketplaceID, listingID, r); err != nil {
			return nil, nil, err
		}
	}
	for _, r := range refs {
		pos, ok := want[r]
		if !ok {
			continue
		}
		delete(want, r)
		if have[r] {
			if _, err := tx.q.ExecContext(ctx, `UPDATE listing_images SET position = $4, account_id = $5
				WHERE marketplace_id = $1 AND listing_id = $2 AND ref = $3`, marketplaceID, listingID, r, pos, accountID); err != nil {
				return nil, nil, err
			}
			continue
		}
		im, err := tx.KnownImage(ctx, marketplaceID, r)
		if err != nil {
			return nil, nil, err
		}
		im.ListingID, im.Position, im.AccountID, im.UpdatedAt = listingID, pos, accountID, now
		hash := sql.NullInt64{Int64: int64(im.Hash), Valid: im.Status == ImageHashed}
		if _, err := tx.q.ExecContext(ctx, `INSERT INTO listing_images (marketplace_id, listing_id, ref, position, account_id, status, hash, error, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, marketplaceID, listingID, r, pos, accountID, im.Status, hash, im.Error, micros(now)); err != nil {
			return nil, nil, err
		}
		added = append(added, im)
	}
	return added, removed, nil
}

// KnownImage says what the store knows of image ref before fetching it:
// the hash of an upload, or of the same URL hashed for another listing
// (status hashed); an unknown upload id (failed); or nothing (pending).
// Only Ref, Status, Hash and Error are set.
func (c conn) KnownImage(ctx context.Context, marketplaceID, ref string) (ListingImage, error) {
	im := ListingImage{Ref: ref, Status: ImagePending}
	if IsUploadRef(ref) {
		u, err := c.ImageUpload(ctx, marketplaceID, ref)
		if errors.Is(err, ErrNotFound) {
			im.Status, im.Error = ImageFailed, "no uploaded image has this id"
			return im, nil
		}
		im.Status, im.Hash = ImageHashed, u.Hash
		return im, err
	}
	var h int64
	err := c.q.QueryRowContext(ctx, `SELECT hash FROM listing_images WHERE marketplace_id = $1 AND ref = $2 AND status = $3 LIMIT 1`,
		marketplaceID, ref, ImageHashed).Scan(&h)
	if err == sql.ErrNoRows {
		return im, nil
	}
	im.Status, im.Hash = ImageHashed, uint64(h)
	return im, err
}

// ImagePending reports whether a listing of the marketplace shows ref and
// waits for its hash.
func (c conn) ImagePending(ctx context.Context, marketplaceID, ref string) (bool, error) {
	var one int
	err := c.q.QueryRowContext(ctx, `SELECT 1 FROM listing_images WHERE marketplace_id = $1 AND ref = $2 AND status = $3 LIMIT 1`,
		marketplaceID, ref, ImagePending).Scan(&one)
	if err == sql.ErrNoRows {
		return false, nil
	}
	return err == nil, err
}

// RecordImageHash stores the hash of ref on every listing of the
// marketplace that shows it, and returns those listings' image rows.
func (tx *Tx) RecordImageHash(ctx context.Context, marketplaceID, ref string, hash uint64, now time.Time) ([]ListingImage, error) {
	if _, err := tx.q.ExecContext(ctx, `UPDATE listing_images SET status = $3, hash = $4, error = '', updated_at = $5
		WHERE marketplace_id = $1 AND ref = $2`, marketplaceID, ref, ImageHashed, int64(hash), micros(now)); err != nil {
		return nil, err
	}
	return tx.imagesWhere(ctx, "marketplace_id = $1 AND ref = $2 ORDER BY listing_id", marketplaceID, ref)
}

// RecordImageFailure marks ref as not hashable (not an image, too large,
// unreachable) with the reason, on every listing that shows it.
func (tx *Tx) RecordImageFailure(ctx context.Context, marketplaceID, ref, reason string, now time.Time) error {
	_, err := tx.q.ExecContext(ctx, `UPDATE listing_images SET status = $3, error = $4, updated_at = $5
		WHERE marketplace_id = $1 AND ref = $2 AND status <> $6`, marketplaceID, ref, ImageFailed, reason, micros(now), ImageHashed)
	return err
}

// ListingImages returns a listing's images in their order.
func (c conn) ListingImages(ctx context.Context, marketplaceID, listingID string) ([]ListingImage, error) {
	return c.imagesWhere(ctx, "marketplace_id = $1 AND listing_id = $2 ORDER BY position", marketplaceID, listingID)
}

// ScanImageHashes calls fn for every hashed listing image of a marketplace.
func (c conn) ScanImageHashes(ctx context.Context, marketplaceID string, fn func(ListingImage)) error {
	ims, err := c.imagesWhere(ctx, "marketplace_id = $1 AND status = $2", marketplaceID, ImageHashed)
	for _, im := range ims {
		fn(im)
	}
	return err
}

func (c conn) imagesWhere(ctx context.Context, where string, args ...any) ([]ListingImage, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT listing_id, ref, position, account_id, status, hash, error, updated_at
		FROM listing_images WHERE `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ListingImage
	for rows.Next() {
		var im ListingImage
		var h sql.NullInt64
		var updated int64
		if err := rows.Scan(&im.ListingID, &im.Ref, &im.Position, &im.AccountID, &im.Status, &h, &im.Error, &updated); err != nil {
			return nil, err
		}
		im.Hash, im.UpdatedAt = uint64(h.Int64), fromMicros(updated)
		out = append(out, im)
	}
	return out, rows.Err()
}

// ListingState is what a follow-up decision needs to know of a listing.
type ListingState struct {
	AccountID string
	Category  string
	Status    string
	CreatedAt time.Time
}

// ListingState returns a listing's seller, category, status and creation time.
func (c conn) ListingState(ctx context.Context, marketplaceID, listingID string) (ListingState, error) {
	var s ListingState
	var created int64
	err := c.q.QueryRowContext(ctx, `SELECT account_id, category, status, created_at FROM listings WHERE marketplace_id = $1 AND id = $2`,
		marketplaceID, listingID).Scan(&s.AccountID, &s.Category, &s.Status, &created)
	s.CreatedAt = fromMicros(created)
	if err == sql.ErrNoRows {
		return s, fmt.Errorf("listing %s: %w", listingID, ErrNotFound)
	}
	return s, err
}
