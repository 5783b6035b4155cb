import urql from '@urql/vue';
import { createApp } from 'vue';
import App from './App.vue';
import { router } from './router';
import { createUrqlClient } from './urql';
import './styles.css';

createApp(App).use(router).use(urql, createUrqlClient()).mount('#app');
