package cognitotest

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"math/big"
)

const (
	alnum      = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	lowerAlnum = "abcdefghijklmnopqrstuvwxyz0123456789"
)

// randomString draws n characters uniformly from alphabet.
func randomString(alphabet string, n int) string {
	b := make([]byte, n)
	max := big.NewInt(int64(len(alphabet)))
	for i := range b {
		v, err := rand.Int(rand.Reader, max)
		if err != nil {
			panic(fmt.Sprintf("cognitotest: crypto/rand: %v", err))
		}
		b[i] = alphabet[v.Int64()]
	}
	return string(b)
}

func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func newPoolID(region string) string { return region + "_" + randomString(alnum, 9) }
func newClientID() string            { return randomString(lowerAlnum, 26) }
func newClientSecret() string        { return randomString(lowerAlnum, 51) }
func newCode() string                { return randomString("0123456789", 6) }
func newSession() string             { return randomString(alnum, 64) }

func newToken() string {
	var b [48]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// newTemporaryPassword makes an invitation password that satisfies the pool's policy.
func newTemporaryPassword(p passwordPolicy) string {
	n := max(int(p.MinimumLength), 12)
	return randomString("ABCDEFGHJKLMNPQRSTUVWXYZ", 2) + randomString("abcdefghijkmnpqrstuvwxyz", 2) +
		randomString("23456789", 2) + randomString("!#%+", 2) + randomString(alnum, n-8)
}
