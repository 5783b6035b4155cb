import urql from '@urql/vue';
import { createApp } from 'vue';
import App from './App.vue';
import { createUrqlClient } from './urql';

createApp(App).use(urql, createUrqlClient()).mount('#app');
