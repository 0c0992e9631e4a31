package io.llmrelay.server.upstream;

import io.llmrelay.core.metrics.ErrorKind;

/**
 * Why a backend request failed, with the status the client should get (502 unreachable or broken,
 * 504 silent) and a message that names the backend.
 *
 * @param afterHead true when the backend had already started its response
 */
public record UpstreamFailure(int status, String message, ErrorKind kind, boolean afterHead) {
}
