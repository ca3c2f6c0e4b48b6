package cognito

import (
	"fmt"
	"io"

	"github.com/resetbot/resetbot/internal/secret"
)

// The characters generated passwords are made of. Letters and digits that are easily taken
// for one another (I l 1, O o 0) are left out, so a password read aloud or retyped survives.
// The symbols are ten of the 32 Cognito counts as special: no quote, backslash, backtick
// (which would end the Slack code span the password is shown in), bracket, space or character
// Slack escapes (& < >), so the password is copied from Slack as it was generated.
const (
	upperChars  = "ABCDEFGHJKLMNPQRSTUVWXYZ"
	lowerChars  = "abcdefghijkmnpqrstuvwxyz"
	digitChars  = "23456789"
	symbolChars = "!#%+-=?@^_"
	allChars    = upperChars + lowerChars + digitChars + symbolChars
)

// MinGeneratedLength is the length of generated passwords, unless a pool demands more.
const MinGeneratedLength = 20

// maxPasswordLength is the longest password Cognito takes.
const maxPasswordLength = 256

// GeneratePassword makes a password that satisfies p, from the random bytes of r (use
// crypto/rand.Reader). It is max(20, p.MinimumLength) long and has at least one character of
// every class (so it satisfies any policy); every character is drawn uniformly, without
// modulo bias, and their order is shuffled. It is a Secret from here on: only the call that
// hands it to Cognito and the message that shows it to the requester reveal it.
func GeneratePassword(r io.Reader, p PasswordPolicy) (secret.Secret, error) {
	n := max(MinGeneratedLength, p.MinimumLength)
	if n > maxPasswordLength {
		return secret.Secret{}, fmt.Errorf("cognito: a password policy asking for %d characters is beyond Cognito's %d", n, maxPasswordLength)
	}
	src := &byteSource{r: r}
	b := make([]byte, n)
	for i, class := range []string{upperChars, lowerChars, digitChars, symbolChars} {
		if err := pick(src, b, i, class); err != nil {
			return secret.Secret{}, err
		}
	}
	for i := 4; i < n; i++ {
		if err := pick(src, b, i, allChars); err != nil {
			return secret.Secret{}, err
		}
	}
	// Fisher–Yates, so the guaranteed characters are not always first.
	for i := n - 1; i > 0; i-- {
		j, err := src.uniform(i + 1)
		if err != nil {
			return secret.Secret{}, err
		}
		b[i], b[j] = b[j], b[i]
	}
	return secret.New(string(b)), nil
}

func pick(src *byteSource, b []byte, i int, class string) error {
	k, err := src.uniform(len(class))
	if err != nil {
		return err
	}
	b[i] = class[k]
	return nil
}

// byteSource reads random bytes in batches.
type byteSource struct {
	r    io.Reader
	buf  [64]byte
	i, n int
}

func (s *byteSource) byte() (byte, error) {
	if s.i == s.n {
		n, err := io.ReadAtLeast(s.r, s.buf[:], 1)
		if err != nil {
			return 0, fmt.Errorf("cognito: reading random bytes: %w", err)
		}
		s.i, s.n = 0, n
	}
	s.i++
	return s.buf[s.i-1], nil
}

// uniform returns a number in [0, n), n ≤ 256, with every value equally likely: bytes from
// the top partial block of 256 mod n are thrown away rather than folded onto low values.
func (s *byteSource) uniform(n int) (int, error) {
	limit := 256 - 256%n
	for {
		b, err := s.byte()
		if err != nil {
			return 0, err
		}
		if int(b) < limit {
			return int(b) % n, nil
		}
	}
}
