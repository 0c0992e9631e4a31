package io.llmrelay.server.e2e;

import static io.llmrelay.server.testing.Ndjson.contentChunk;
import static io.llmrelay.server.testing.Ndjson.finishChunk;
import static io.llmrelay.server.testing.Ndjson.sse;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmrelay.core.backend.BackendFlavor;
import io.llmrelay.core.config.BackendConfig;
import io.llmrelay.server.testing.Ndjson;
import io.llmrelay.server.testing.RelayHarness;
import io.llmrelay.server.testing.ScriptedBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import okhttp3.Response;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS backends: the chain and the host name are verified; a private CA can be trusted explicitly. */
class TlsBackendTest {

    private static final String CHAT = "{\"model\":\"m\",\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";

    @TempDir
    static Path dir;
    private static Path caFile;
    private static ScriptedBackend backend;

    @BeforeAll
    static void start() throws Exception {
        HeldCertificate ca = new HeldCertificate.Builder().certificateAuthority(0).commonName("test CA").build();
        HeldCertificate server = new HeldCertificate.Builder().signedBy(ca).addSubjectAlternativeName("localhost").build();
        backend = new ScriptedBackend(new HandshakeCertificates.Builder()
                .heldCertificate(server, ca.certificate()).build().sslSocketFactory());
        caFile = Files.writeString(dir.resolve("ca.pem"), ca.certificatePem());
    }

    @AfterAll
    static void stop() {
        backend.close();
    }

    private static BackendConfig https(Path trusted) {
        return new BackendConfig("tls-backend", BackendConfig.parseUrl("https://localhost:" + backend.port() + "/v1"),
                BackendFlavor.GENERIC, null, trusted);
    }

    @Test
    void aBackendSignedByATrustedCaIsServed() throws Exception {
        backend.enqueueSse(sse(contentChunk("secure"), finishChunk("stop")), 5);
        try (RelayHarness relay = RelayHarness.start(backend.baseUrl(), RelayHarness.withBackend(https(caFile)));
                Response response = relay.post("/api/chat", CHAT)) {
            assertThat(response.code()).isEqualTo(200);
            assertThat(Ndjson.json(response.body().string()).get("message").get("content").asText()).isEqualTo("secure");
        }
        assertThat(backend.takeRequest().getHandshake()).isNotNull();
    }

    @Test
    void anUntrustedCertificateIsRefusedWithA502() throws Exception {
        try (RelayHarness relay = RelayHarness.start(backend.baseUrl(), RelayHarness.withBackend(https(null)));
                Response response = relay.post("/api/chat", CHAT)) {
            assertThat(response.code()).isEqualTo(502);
            assertThat(Ndjson.json(response.body().string()).get("error").asText())
                    .contains("TLS handshake with backend tls-backend (https://localhost:" + backend.port() + "/v1) failed")
                    .containsIgnoringCase("certificat");
        }
    }
}
