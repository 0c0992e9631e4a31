package io.llmrelay.server.upstream;

import io.llmrelay.core.metrics.ErrorKind;

/**
 * Why a backend request failed, with the status the client should get (502 unreachable or broken,
 * 504 silent) and a message that names the backend.
 *
 * @param afterHead true when the backend had already started its response
 */
public record UpstreamFailure(int status, String message, ErrorKind kind, boolean afterHead) {

    /**
     * True for a model-list read the backend answered but refused: no {@code /models} route, or a list
     * that needs the client's own key. Such a backend is there; it just gives no list to check names against.
     */
    public boolean noList() {
        return !afterHead && (status == 401 || status == 403 || status == 404 || status == 405 || status == 501);
    }
}
