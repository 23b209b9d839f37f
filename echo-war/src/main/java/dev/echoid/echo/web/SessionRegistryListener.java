package dev.echoid.echo.web;

import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionIdListener;
import jakarta.servlet.http.HttpSessionListener;

/** Keeps the {@link SessionRegistry} in step with the container: forgets ended sessions, follows changed ids. */
public final class SessionRegistryListener implements HttpSessionListener, HttpSessionIdListener {

    @Override
    public void sessionDestroyed(HttpSessionEvent event) {
        Object registry = event.getSession().getServletContext().getAttribute(SessionRegistry.CONTEXT_ATTRIBUTE);
        if (registry instanceof SessionRegistry) {
            ((SessionRegistry) registry).remove(event.getSession().getId());
        }
    }

    @Override
    public void sessionIdChanged(HttpSessionEvent event, String oldSessionId) {
        Object registry = event.getSession().getServletContext().getAttribute(SessionRegistry.CONTEXT_ATTRIBUTE);
        if (registry instanceof SessionRegistry) {
            ((SessionRegistry) registry).renamed(oldSessionId, event.getSession());
        }
    }
}
