package cognito

import (
	"bytes"
	"crypto/rand"
	"errors"
	mrand "math/rand/v2"
	"strings"
	"testing"
	"testing/iotest"
)

// satisfies says why password breaks p, or "": the rules as Cognito states them, checked
// independently of how the generator builds passwords.
func satisfies(p PasswordPolicy, password string) string {
	const cognitoSymbols = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+-"
	has := func(set string) bool { return strings.ContainsAny(password, set) }
	switch {
	case len(password) < p.MinimumLength:
		return "too short"
	case p.RequireUppercase && !has("ABCDEFGHIJKLMNOPQRSTUVWXYZ"):
		return "no uppercase letter"
	case p.RequireLowercase && !has("abcdefghijklmnopqrstuvwxyz"):
		return "no lowercase letter"
	case p.RequireNumbers && !has("0123456789"):
		return "no digit"
	case p.RequireSymbols && !has(cognitoSymbols):
		return "no symbol"
	case strings.Trim(password, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"+cognitoSymbols) != "":
		return "a character Cognito does not count"
	}
	return ""
}

func policyFrom(minLength int, flags uint8) PasswordPolicy {
	return PasswordPolicy{
		MinimumLength: minLength, RequireUppercase: flags&1 != 0, RequireLowercase: flags&2 != 0,
		RequireNumbers: flags&4 != 0, RequireSymbols: flags&8 != 0,
	}
}

// TestGeneratedPasswordsSatisfyEveryPolicy is the property over every valid policy: each
// combination of required classes, each minimum length Cognito allows (6 to 99).
func TestGeneratedPasswordsSatisfyEveryPolicy(t *testing.T) {
	for flags := range uint8(16) {
		for minLength := 6; minLength <= 99; minLength++ {
			p := policyFrom(minLength, flags)
			generated, err := GeneratePassword(rand.Reader, p)
			if err != nil {
				t.Fatal(err)
			}
			pw := generated.Reveal()
			if why := satisfies(p, pw); why != "" {
				t.Fatalf("%+v: %q: %s", p, pw, why)
			}
			if want := max(20, minLength); len(pw) != want {
				t.Fatalf("%+v: length %d, want %d", p, len(pw), want)
			}
		}
	}
}

// FuzzGeneratePassword checks any random stream and any valid policy give a password that
// satisfies the policy.
func FuzzGeneratePassword(f *testing.F) {
	f.Add(uint64(0), uint8(6), uint8(0))
	f.Add(uint64(42), uint8(99), uint8(15))
	f.Add(uint64(7), uint8(20), uint8(9))
	f.Fuzz(func(t *testing.T, seed uint64, minLength, flags uint8) {
		p := policyFrom(6+int(minLength)%94, flags%16)
		var s [32]byte
		for i := range 8 {
			s[i] = byte(seed >> (8 * i))
		}
		generated, err := GeneratePassword(mrand.NewChaCha8(s), p)
		if err != nil {
			t.Fatal(err)
		}
		pw := generated.Reveal()
		if why := satisfies(p, pw); why != "" || len(pw) != max(20, p.MinimumLength) {
			t.Fatalf("%+v: %q: %s", p, pw, why)
		}
	})
}

// cycle yields 0, 1, ..., 255, 0, 1, ...: every byte value equally often.
type cycle struct{ next byte }

func (c *cycle) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = c.next
		c.next++
	}
	return len(p), nil
}

// TestUniformHasNoModuloBias feeds uniform every byte value equally often: each outcome must
// come out exactly equally often, which folding the top bytes onto low values would break.
func TestUniformHasNoModuloBias(t *testing.T) {
	for _, n := range []int{2, 7, 10, len(symbolChars), len(upperChars), len(allChars), 255, 256} {
		src := &byteSource{r: &cycle{}}
		counts := make([]int, n)
		accepted := 256 - 256%n
		for range accepted * 4 / n * n {
			k, err := src.uniform(n)
			if err != nil {
				t.Fatal(err)
			}
			counts[k]++
		}
		for k, c := range counts {
			if c != counts[0] {
				t.Fatalf("n=%d: outcome %d came %d times, outcome 0 %d times", n, k, c, counts[0])
			}
		}
	}
}

func TestGeneratePasswordErrors(t *testing.T) {
	if _, err := GeneratePassword(rand.Reader, PasswordPolicy{MinimumLength: 257}); err == nil {
		t.Error("a 257-character policy was accepted")
	}
	boom := errors.New("entropy exhausted")
	_, err := GeneratePassword(iotest.ErrReader(boom), PasswordPolicy{})
	if !errors.Is(err, boom) {
		t.Errorf("err = %v, want the reader's", err)
	}
	// A source that runs dry partway.
	_, err = GeneratePassword(bytes.NewReader(make([]byte, 10)), PasswordPolicy{})
	if err == nil {
		t.Error("a 10-byte source made a 20-character password")
	}
}

func TestGeneratedPasswordsDiffer(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		generated, err := GeneratePassword(rand.Reader, PasswordPolicy{})
		if err != nil {
			t.Fatal(err)
		}
		pw := generated.Reveal()
		if seen[pw] {
			t.Fatalf("%q came twice", pw)
		}
		seen[pw] = true
	}
}
