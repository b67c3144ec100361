"""A Bottle app: routes, a POST that reads request.body, and static_file from a directory."""

import hashlib

import bottle


def create_app(static_root):
    app = bottle.Bottle()

    @app.get('/')
    def index():
        return 'bottle index'

    @app.get('/item/<item_id:int>')
    def item(item_id):
        return {'item': item_id, 'double': item_id * 2}

    @app.post('/digest')
    def digest():
        data = bottle.request.body.read()
        bottle.response.content_type = 'text/plain'
        return f'{len(data)} {hashlib.sha256(data).hexdigest()}'

    @app.get('/static/<filename:path>')
    def static(filename):
        return bottle.static_file(filename, root=static_root)

    return app
