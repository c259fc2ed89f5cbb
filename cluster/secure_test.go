package cluster

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io/fs"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeTLS writes a CA and a loopback certificate it signed, as PEM files.
func writeTLS(t *testing.T) (cert, key, ca string) {
	t.Helper()
	dir := t.TempDir()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	caTpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "lifeline test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true,
		KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true}
	caDER, err := x509.CreateCertificate(rand.Reader, caTpl, caTpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caCert, _ := x509.ParseCertificate(caDER)
	nodeKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "node"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tpl, caCert, &nodeKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(nodeKey)
	if err != nil {
		t.Fatal(err)
	}
	write := func(name, typ string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: b}), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	return write("node.pem", "CERTIFICATE", der), write("node.key", "EC PRIVATE KEY", keyDER), write("ca.pem", "CERTIFICATE", caDER)
}

func TestClusterPortWithTLS(t *testing.T) {
	cert, key, ca := writeTLS(t)
	ports := freePorts(t, 3)
	var nodes []*Node
	for i := range 3 {
		var routes []string
		for j, p := range ports {
			if j != i {
				routes = append(routes, fmt.Sprintf("nats-route://127.0.0.1:%d", p))
			}
		}
		n, err := Start(context.Background(), Options{Name: fmt.Sprintf("t%d", i+1), Listen: "127.0.0.1:0",
			ClusterListen: fmt.Sprintf("127.0.0.1:%d", ports[i]), Routes: routes, StoreDir: t.TempDir(),
			TLSCert: cert, TLSKey: key, TLSCA: ca})
		if err != nil {
			t.Fatalf("start t%d: %v", i+1, err)
		}
		t.Cleanup(n.Close)
		nodes = append(nodes, n)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := nodes[0].WaitJetStream(ctx); err != nil {
		t.Fatalf("a TLS cluster: %v", err)
	}
	if _, err := nodes[0].Ensure(ctx, Settings{Partitions: 2}); err != nil {
		t.Fatalf("ensure: %v", err)
	}
	waitReady(t, ctx, nodes[2])
	st, err := nodes[2].Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Members) != 3 {
		t.Fatalf("members over TLS routes: %+v", st.Members)
	}
}

func TestStoreIsEncryptedWithTheKey(t *testing.T) {
	dir := t.TempDir()
	key := bytes.Repeat([]byte{7}, 32)
	start := func() *Node {
		n, err := Start(context.Background(), Options{Name: "enc", Listen: "127.0.0.1:0", StoreDir: dir, EncryptionKey: key})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := n.WaitJetStream(ctx); err != nil {
			t.Fatal(err)
		}
		return n
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	n := start()
	if err := n.Ready(ctx); err == nil || !strings.Contains(err.Error(), "run lifeline cluster ensure") {
		t.Fatalf("ready before ensure: %v, want the streams missing", err)
	}
	if _, err := n.Ensure(ctx, Settings{}); err != nil {
		t.Fatal(err)
	}
	const secret = "my house is flooding at 12 Palm Street"
	ack, err := n.JetStream().Publish(ctx, "in.1.15550100002", []byte(secret))
	if err != nil {
		t.Fatal(err)
	}
	n.Close()

	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if bytes.Contains(b, []byte("Palm Street")) {
			t.Errorf("%s holds the message in clear text", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	n = start() // the same key reads it back
	defer n.Close()
	s, err := n.JetStream().Stream(ctx, StreamIngest)
	if err != nil {
		t.Fatal(err)
	}
	m, err := s.GetMsg(ctx, ack.Sequence)
	if err != nil || string(m.Data) != secret {
		t.Fatalf("message after restart: %v, %v", m, err)
	}
}
