package demo

import (
	"context"
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"time"

	"github.com/vigil-ts/vigil/internal/detect/imagehash"
	"github.com/vigil-ts/vigil/internal/event"
	"github.com/vigil-ts/vigil/internal/store"
)

// Photo is a demo listing photo. The demo does not ship pictures: each is
// drawn from its seed when the demo is loaded and stored as an upload
// (its perceptual hash), so the reused-photo check has real hashes to
// compare. A Retouched photo is another seller's copy of the same picture,
// brightened: different bytes, nearly the same hash.
type Photo struct {
	ID        string
	Seed      uint64
	Retouched bool
}

// The photos are small: only the hash is kept, and it is taken at 64×64.
const photoWidth, photoHeight = 80, 60

// listingPhotos returns n new photos for an ordinary listing. Seeds come
// from the listing id, not the random stream, so adding photos changed no
// other demo data.
func (g *gen) listingPhotos(l *listing, n int) []event.Image {
	out := make([]event.Image, n)
	for i := range out {
		key := fmt.Sprintf("%s/%d", l.id, i+1)
		out[i] = g.photo(key, binary.BigEndian.Uint64([]byte(hashHex(key)[:8])), false)
		l.photos = append(l.photos, g.photos[len(g.photos)-1])
	}
	return out
}

// photo records a new photo for key and returns its image reference.
func (g *gen) photo(key string, seed uint64, retouched bool) event.Image {
	p := Photo{ID: "img_" + hashHex("demo-photo/" + key)[:32], Seed: seed, Retouched: retouched}
	g.photos = append(g.photos, p)
	return event.Image{ID: p.ID}
}

// copyPhoto returns a retouched copy of the first photo of an ordinary
// listing in category published before at, as a scammer lifts a genuine
// seller's photo.
func (g *gen) copyPhoto(category, key string, at time.Time) (event.Image, bool) {
	for _, l := range g.listings {
		if l.category == category && len(l.photos) > 0 && l.seller.id <= accountID(normalAccounts) && l.at.Before(at) {
			src := l.photos[0]
			return g.photo("copy/"+key+"/"+src.ID, src.Seed, true), true
		}
	}
	return event.Image{}, false
}

// Draw renders the photo.
func (p Photo) Draw() image.Image {
	img := imagehash.Scene(p.Seed, photoWidth, photoHeight)
	if p.Retouched {
		b := img.Bounds()
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				c := img.RGBAAt(x, y)
				up := func(v uint8) uint8 { return uint8(min(255, int(v)+12)) }
				img.SetRGBA(x, y, color.RGBA{up(c.R), up(c.G), up(c.B), 255})
			}
		}
	}
	return img
}

// storePhotos hashes the photos and stores them as uploads; ones stored by
// an earlier load are left as they are.
func storePhotos(ctx context.Context, db *store.DB, marketplaceID string, photos []Photo, now time.Time) error {
	const perTx = 500
	for start := 0; start < len(photos); start += perTx {
		err := db.InTx(ctx, func(tx *store.Tx) error {
			for _, p := range photos[start:min(start+perTx, len(photos))] {
				if _, err := tx.ImageUpload(ctx, marketplaceID, p.ID); err == nil {
					continue // stored by an earlier load
				}
				h, err := imagehash.HashImage(p.Draw())
				if err != nil {
					return fmt.Errorf("demo photo %s: %w", p.ID, err)
				}
				u := store.ImageUpload{ID: p.ID, Hash: h, ContentType: "image/png", Width: photoWidth, Height: photoHeight, CreatedAt: now}
				if _, err := tx.CreateImageUpload(ctx, marketplaceID, u); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}
