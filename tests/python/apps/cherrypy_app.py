"""A CherryPy application mounted on cherrypy.tree, whose tree is served as a plain WSGI callable."""

import cherrypy


class Root:
    @cherrypy.expose
    def index(self):
        return 'cherrypy index'

    @cherrypy.expose
    def greet(self, name='nobody', times='1'):
        # Params come from the query string or from a form-encoded POST body alike.
        cherrypy.response.headers['Content-Type'] = 'text/plain'
        return f'{cherrypy.request.method} ' + ' '.join([f'hi {name}'] * int(times))

    @cherrypy.expose
    @cherrypy.tools.json_out()
    def status(self, **params):
        return {'ok': True, 'params': params, 'path': cherrypy.request.path_info}


def wsgi_application():
    """Mount Root at / and return cherrypy.tree; the engine and its HTTP server are never started."""
    cherrypy.config.update(
        {
            'environment': 'embedded',  # no autoreload or engine checks: the tree is just a WSGI app
            'log.screen': False,
            'checker.on': False,
        }
    )
    cherrypy.tree.mount(Root(), '/', config={'/': {'request.show_tracebacks': False}})
    return cherrypy.tree
