"""A real OpenID Connect provider on loopback, for the single sign-on tests: discovery, a JWKS,
an authorization endpoint that signs in whoever the test says (no form), and a token endpoint
that gives an RS256-signed ID token. The test can make it misbehave: sign with another key,
answer with another nonce, or name another audience."""

from __future__ import annotations

import secrets
import threading
import time
from urllib.parse import urlencode

from flask import Flask, jsonify, redirect, request
from joserfc import jwt
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server


class Provider:
    def __init__(self, client_id: str = "ioc", client_secret: str = "test-client-secret") -> None:
        self.client_id, self.client_secret = client_id, client_secret
        self.key = RSAKey.generate_key(2048, parameters={"kid": "ministry-1"})
        self.other_key = RSAKey.generate_key(2048, parameters={"kid": "ministry-1"})  # same kid, another key
        self.person = {"sub": "u-1", "preferred_username": "nguyen.van.a", "name": "Nguyễn Văn A", "groups": []}
        self.sign_with_other_key = False
        self.wrong_nonce = False
        self.audience = client_id
        self._codes: dict[str, dict] = {}
        app = Flask("oidc-provider")
        self._routes(app)
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.issuer = f"http://127.0.0.1:{self._server.server_port}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self._server.shutdown()

    def _routes(self, app: Flask) -> None:
        @app.route("/.well-known/openid-configuration")
        def discovery():
            return jsonify(
                {
                    "issuer": self.issuer,
                    "authorization_endpoint": f"{self.issuer}/authorize",
                    "token_endpoint": f"{self.issuer}/token",
                    "jwks_uri": f"{self.issuer}/jwks",
                    "response_types_supported": ["code"],
                    "subject_types_supported": ["public"],
                    "id_token_signing_alg_values_supported": ["RS256"],
                    "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
                }
            )

        @app.route("/jwks")
        def jwks():
            return jsonify({"keys": [self.key.as_dict(private=False)]})

        @app.route("/authorize")
        def authorize():
            args = request.args
            if args.get("client_id") != self.client_id or args.get("response_type") != "code":
                return "bad request", 400
            code = secrets.token_urlsafe(16)
            self._codes[code] = {"nonce": args.get("nonce"), "redirect_uri": args["redirect_uri"]}
            return redirect(f"{args['redirect_uri']}?{urlencode({'code': code, 'state': args.get('state', '')})}")

        @app.route("/token", methods=["POST"])
        def token():
            auth = request.authorization
            client = (
                (auth.username, auth.password)
                if auth
                else (request.form.get("client_id"), request.form.get("client_secret"))
            )
            if client != (self.client_id, self.client_secret):
                return jsonify({"error": "invalid_client"}), 401
            grant = self._codes.pop(request.form.get("code", ""), None)
            if grant is None or grant["redirect_uri"] != request.form.get("redirect_uri"):
                return jsonify({"error": "invalid_grant"}), 400
            now = int(time.time())
            claims = {
                **self.person,
                "iss": self.issuer,
                "aud": self.audience,
                "iat": now,
                "exp": now + 300,
                "nonce": "another nonce" if self.wrong_nonce else grant["nonce"],
            }
            key = self.other_key if self.sign_with_other_key else self.key
            id_token = jwt.encode({"alg": "RS256", "kid": "ministry-1"}, claims, key)
            return jsonify({"access_token": secrets.token_urlsafe(16), "token_type": "Bearer", "id_token": id_token})
