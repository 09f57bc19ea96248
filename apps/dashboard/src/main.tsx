import { render } from 'preact';
import { token } from './api.js';
import { App } from './app.js';
import { LiveClient } from './live-client.js';
import './styles.css';

const client = new LiveClient(token());
render(<App client={client} />, document.getElementById('app')!);
