package dev.echoid.echo.oidc;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A response body read as UTF-8 text, at most {@code max} bytes: past that the exchange is cancelled and fails with
 * an {@link IOException}, so a provider (or whatever answers in its place) cannot make the gateway buffer megabytes.
 */
final class BoundedBody implements HttpResponse.BodySubscriber<String> {

    private final int max;
    private final CompletableFuture<String> result = new CompletableFuture<>();
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private Flow.Subscription subscription;

    private BoundedBody(int max) {
        this.max = max;
    }

    static HttpResponse.BodyHandler<String> handler(int max) {
        return info -> {
            BoundedBody body = new BoundedBody(max);
            long declared = info.headers().firstValueAsLong("Content-Length").orElse(-1);
            if (declared > max) {
                body.result.completeExceptionally(tooLarge(max));
            }
            return body;
        };
    }

    private static IOException tooLarge(int max) {
        return new IOException("response body larger than " + max + " bytes");
    }

    @Override
    public CompletionStage<String> getBody() {
        return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        if (result.isDone()) {
            subscription.cancel();
        } else {
            subscription.request(Long.MAX_VALUE);
        }
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        if (result.isDone()) {
            return;
        }
        for (ByteBuffer buffer : buffers) {
            if (received.size() + buffer.remaining() > max) {
                subscription.cancel();
                result.completeExceptionally(tooLarge(max));
                return;
            }
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            received.writeBytes(bytes);
        }
    }

    @Override
    public void onError(Throwable error) {
        result.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
        result.complete(received.toString(StandardCharsets.UTF_8));
    }
}
