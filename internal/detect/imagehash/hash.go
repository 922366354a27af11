// Package imagehash recognises the same photo used again, by another seller
// or on another listing (R-L4): a perceptual hash of each image, and an
// index that finds the stored hashes within a Hamming distance of a new one.
//
// The hash is the 64-bit pHash of github.com/corona10/goimagehash: the
// image shrunk to 64×64 grey, its 2-D DCT, and one bit per coefficient of
// the lowest 8×8 frequencies saying whether it is above their median. It
// survives re-encoding, resizing and brightness changes (distance 0–6
// typically) while unrelated photos land near 32. Crops, rotations and
// mirrored copies are not recognised.
//
// Fetching images is the caller's job, off the decision path: this package
// takes bytes.
package imagehash

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // registers GIF with image.Decode
	_ "image/jpeg"
	_ "image/png"
	"math/bits"

	"github.com/corona10/goimagehash"
	_ "golang.org/x/image/webp"
)

// Limits on what HashBytes decodes. A decoded image takes about 4 bytes
// per pixel, so the pixel limit bounds memory (~200 MB) however small the
// compressed file: a few kilobytes of PNG can declare a 100,000² image.
const (
	MaxBytes  = 20 << 20
	MaxPixels = 50_000_000
)

// Errors for images refused before decoding.
var (
	ErrTooLarge      = errors.New("imagehash: image file too large")
	ErrTooManyPixels = errors.New("imagehash: image dimensions too large")
)

// HashBytes returns the perceptual hash of an encoded JPEG, PNG, GIF (first
// frame) or WebP image. It refuses files over MaxBytes and, reading only
// the header, images over MaxPixels.
func HashBytes(data []byte) (uint64, error) {
	if len(data) > MaxBytes {
		return 0, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(data), MaxBytes)
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return 0, fmt.Errorf("imagehash: read header: %w", err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		return 0, fmt.Errorf("%w: %d×%d, limit %d pixels", ErrTooManyPixels, cfg.Width, cfg.Height, MaxPixels)
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return 0, fmt.Errorf("imagehash: decode: %w", err)
	}
	return HashImage(img)
}

// HashImage returns the perceptual hash of a decoded image.
func HashImage(img image.Image) (uint64, error) {
	h, err := goimagehash.PerceptionHash(img)
	if err != nil {
		return 0, fmt.Errorf("imagehash: %w", err)
	}
	return h.GetHash(), nil
}

// Distance returns the Hamming distance of two hashes: the number of bits
// in which they differ, 0 for the same picture, about 32 for unrelated ones.
func Distance(a, b uint64) int {
	return bits.OnesCount64(a ^ b)
}
