package tfinstall

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
)

// maxBinary bounds the size of the binary taken out of an archive.
const maxBinary = 1 << 30

// extract copies the entry called name (at the top of the zip archive, and
// nothing else) to dst with mode 0755, and returns its SHA-256. An archive
// without that entry, with two of them, or with one that is not a regular
// file (a symbolic link) is an error; no other entry is written anywhere.
// What is written is bounded by the size the entry's header states, which
// must be at most maxBinary: the zip reader refuses to read past it.
func extract(archive, name, dst string) (string, error) {
	zr, err := zip.OpenReader(archive)
	if err != nil {
		return "", fmt.Errorf("is not a zip archive")
	}
	defer zr.Close()
	var entry *zip.File
	for _, f := range zr.File {
		if f.Name != name {
			continue
		}
		if entry != nil {
			return "", fmt.Errorf("holds %s twice", name)
		}
		entry = f
	}
	if entry == nil {
		return "", fmt.Errorf("holds no %s", name)
	}
	if !entry.Mode().IsRegular() && !entry.FileInfo().IsDir() {
		// A symbolic link's content is its target: never a binary.
		return "", fmt.Errorf("holds a %s that is not a regular file", name)
	}
	if entry.UncompressedSize64 > maxBinary || entry.FileInfo().IsDir() {
		return "", fmt.Errorf("holds a %s that is not a binary of at most %d MiB", name, maxBinary>>20)
	}
	rc, err := entry.Open()
	if err != nil {
		return "", fmt.Errorf("cannot open %s in it: %v", name, err)
	}
	defer rc.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o755)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(out, h), io.LimitReader(rc, maxBinary+1))
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", fmt.Errorf("cannot extract %s: %v", name, err)
	}
	if n > maxBinary {
		return "", fmt.Errorf("holds a %s larger than %d MiB", name, maxBinary>>20)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
