package dev.echoid.identity.login;

/**
 * Where a sign-in attempt comes from: the client's address (through trusted proxies) and the device cookie its
 * browser presented, if any ({@link DeviceCookies}).
 *
 * @param address      the client's address
 * @param deviceCookie the raw {@value DeviceCookies#COOKIE} cookie, or null
 */
public record ClientDevice(String address, String deviceCookie) {

    /** A client with no device cookie: a browser that never signed in here (or a caller that has none). */
    public static ClientDevice at(String address) {
        return new ClientDevice(address, null);
    }
}
